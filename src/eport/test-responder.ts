/**
 * TEST CUSTOMS RESPONDER — NOT CUSTOMS. It stands in for the E-port transfer client and China customs
 * in tests and in the sample hub: it takes the messages the hub wrote into the out folder (moving them
 * to `sent`) and writes receipts into the in folder by rules the caller sets. It decides nothing in
 * production: a real hub points the exchange at the real transfer client's folders and never runs this.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { cstTimestamp, guidOf } from '../customs/index.ts';
import { CEB_NS, cebFields, digitsOf } from '../customs/xml.ts';
import { type ExchangeFolders, moveInto, readyFiles, writeAtomic } from './folders.ts';

/** What the test responder answers for a list (CEB603), by its waybill number, order number or copNo. */
export type ResponderAction =
  | 'release'
  | 'accept'
  | 'inspection'
  | 'inspection-then-release'
  | 'manual-review'
  | { readonly reject: string };

/** The rules a test (or the sample hub) sets. */
export interface ResponderRules {
  /** What happens to lists no rule names. Default `release`. */
  readonly defaultAction?: ResponderAction;
  /** Lists by logisticsNo, orderNo or copNo. */
  readonly lists?: Readonly<Record<string, ResponderAction>>;
  /** Orders, payments and waybills to refuse, by orderNo or logisticsNo, with the reason. */
  readonly documents?: Readonly<Record<string, string>>;
}

interface State {
  serial: number;
  /** Lists customs "recorded": invtNo → logisticsNo and lines. */
  lists: Record<string, { logisticsNo: string; lines: { gnum: number; gcode: string }[] }>;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) =>
    [
      'Order',
      'Receipts',
      'Logistics',
      'Inventory',
      'InventoryList',
      'Arrival',
      'Departure',
      'WayBill',
      'SummaryApply',
      'SummaryApplyList',
      'InvtCancel',
    ].includes(name),
});

type Node = Record<string, unknown>;
const s = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

/** The test responder over an exchange folder. */
export class TestCustomsResponder {
  readonly #folders: ExchangeFolders;
  readonly #rules: ResponderRules;
  readonly #nowMs: () => number;
  readonly #customsCode: string;

  constructor(
    folders: ExchangeFolders,
    rules: ResponderRules = {},
    nowMs: () => number = Date.now,
    customsCode = '8013',
  ) {
    this.#folders = folders;
    this.#rules = rules;
    this.#nowMs = nowMs;
    this.#customsCode = customsCode;
  }

  get #statePath(): string {
    return join(this.#folders.root, '.test-responder-state.json');
  }

  async #load(): Promise<State> {
    try {
      return JSON.parse(await readFile(this.#statePath, 'utf8')) as State;
    } catch {
      return { serial: 0, lists: {} };
    }
  }

  /**
   * Answers every message waiting in the out folder; returns how many messages and receipts. Receipts
   * are written in order, one file per step of customs' ladder, named so they sort in that order.
   */
  async respond(): Promise<{ readonly messages: number; readonly receipts: number }> {
    const state = await this.#load();
    const receipts: { type: string; nodes: string[] }[] = [];
    let messages = 0;
    for (const name of await readyFiles(this.#folders.out)) {
      const path = join(this.#folders.out, name);
      const env = parser.parse(await readFile(path, 'utf8')) as Node;
      const data = s((env.DxpMsg as Node | undefined)?.Data);
      const inner = parser.parse(Buffer.from(data, 'base64').toString('utf8')) as Node;
      const root = Object.keys(inner).find((k) => k !== '?xml') ?? '';
      this.#answer(root, inner[root] as Node, state, receipts);
      await moveInto(path, this.#folders.sent, name);
      messages++;
    }
    let written = 0;
    for (const r of receipts) {
      for (let i = 0; i < r.nodes.length; i += 100) {
        state.serial++;
        const guid = guidOf(`responder:${state.serial}:${this.#nowMs()}`);
        const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<ceb:${r.type} xmlns:ceb="${CEB_NS}" guid="${guid}" version="1.0">${r.nodes.slice(i, i + 100).join('')}</ceb:${r.type}>\n`;
        await writeAtomic(this.#folders.in, `R${String(state.serial).padStart(8, '0')}_${r.type}.xml`, xml);
        written++;
      }
    }
    await writeFile(this.#statePath, JSON.stringify(state));
    return { messages, receipts: written };
  }

  #time(step: number): string {
    return `${cstTimestamp(this.#nowMs() + step * 1000)}${String(step % 1000).padStart(3, '0')}`;
  }

  #push(receipts: { type: string; nodes: string[] }[], type: string, node: string): void {
    let bucket = receipts.findLast((r) => r.type === type);
    if (!bucket) {
      bucket = { type, nodes: [] };
      receipts.push(bucket);
    }
    bucket.nodes.push(node);
  }

  #ret(status: string, step: number, info: string): (readonly [string, string])[] {
    return [
      ['returnStatus', status],
      ['returnTime', this.#time(step)],
      ['returnInfo', info],
    ];
  }

  #answer(root: string, msg: Node, state: State, receipts: { type: string; nodes: string[] }[]): void {
    const refuse = (key: string) => this.#rules.documents?.[key];
    const guid = (k: string) => guidOf(`test-responder:${k}:${state.serial}:${this.#nowMs()}`);
    const preNo = (k: string) => `B${cstTimestamp(this.#nowMs()).slice(0, 8)}${digitsOf(`pre:${k}`, 9)}`;
    switch (root) {
      case 'CEB303Message':
        for (const o of msg.Order as Node[]) {
          const h = o.OrderHead as Node;
          const no = refuse(s(h.orderNo));
          this.#push(
            receipts,
            'CEB304Message',
            `<ceb:OrderReturn>${cebFields([
              ['guid', guid(`304:${s(h.orderNo)}`)],
              ['ebpCode', s(h.ebpCode)],
              ['ebcCode', s(h.ebcCode)],
              ['orderNo', s(h.orderNo)],
              ...this.#ret(no ? '100' : '120', 1, no ?? '新增申报成功 (test responder)'),
            ])}</ceb:OrderReturn>`,
          );
        }
        return;
      case 'CEB403Message':
        for (const p of msg.Receipts as Node[]) {
          const no = refuse(s(p.orderNo));
          this.#push(
            receipts,
            'CEB404Message',
            `<ceb:ReceiptsReturn>${cebFields([
              ['guid', guid(`404:${s(p.orderNo)}`)],
              ['ebcCode', s(p.ebcCode)],
              ['orderNo', s(p.orderNo)],
              ['payNo', s(p.payNo) || undefined],
              ...this.#ret(no ? '100' : '120', 1, no ?? '新增申报成功 (test responder)'),
            ])}</ceb:ReceiptsReturn>`,
          );
        }
        return;
      case 'CEB505Message':
        for (const l of msg.Logistics as Node[]) {
          const no = refuse(s(l.logisticsNo));
          this.#push(
            receipts,
            'CEB506Message',
            `<ceb:LogisticsReturn>${cebFields([
              ['guid', guid(`506:${s(l.logisticsNo)}`)],
              ['logisticsCode', s(l.logisticsCode)],
              ['logisticsNo', s(l.logisticsNo)],
              ...this.#ret(no ? '100' : '120', 1, no ?? '新增申报成功 (test responder)'),
            ])}</ceb:LogisticsReturn>`,
          );
        }
        return;
      case 'CEB603Message':
        for (const inv of msg.Inventory as Node[]) this.#answerList(inv, state, receipts, guid, preNo);
        return;
      case 'CEB507Message':
      case 'CEB509Message':
      case 'CEB607Message': {
        const spec = {
          CEB507Message: {
            list: 'Arrival',
            head: 'ArrivalHead',
            ret: 'CEB508Message',
            node: 'ArrivalReturn',
          },
          CEB509Message: {
            list: 'Departure',
            head: 'DepartureHead',
            ret: 'CEB510Message',
            node: 'DepartureReturn',
          },
          CEB607Message: {
            list: 'WayBill',
            head: 'WayBillHead',
            ret: 'CEB608Message',
            node: 'WayBillReturn',
          },
        }[root];
        for (const n of msg[spec.list] as Node[]) {
          const h = n[spec.head] as Node;
          const copNo = s(h.copNo);
          const common: (readonly [string, string])[] =
            root === 'CEB507Message'
              ? [
                  ['operatorCode', s(h.operatorCode)],
                  ['logisticsCode', s(h.logisticsCode)],
                  ['preNo', preNo(copNo)],
                  ['copNo', copNo],
                  ['billNo', s(h.billNo)],
                  ['msgSeqNo', s(h.msgSeqNo)],
                ]
              : root === 'CEB509Message'
                ? [
                    ['logisticsCode', s(h.logisticsCode)],
                    ['copNo', copNo],
                    ['preNo', preNo(copNo)],
                    ['msgSeqNo', s(h.msgSeqNo)],
                  ]
                : [
                    ['agentCode', s(h.agentCode)],
                    ['logisticsCode', s(h.logisticsCode)],
                    ['copNo', copNo],
                    ['preNo', preNo(copNo)],
                    ['billNo', s(h.billNo)],
                    ['msgSeqNo', s(h.msgSeqNo)],
                  ];
          this.#push(
            receipts,
            spec.ret,
            `<ceb:${spec.node}>${cebFields([['guid', guid(`${spec.ret}:${copNo}`)], ...common, ...this.#ret('399', 1, '审结 (test responder)')])}</ceb:${spec.node}>`,
          );
        }
        return;
      }
      case 'CEB605Message':
        for (const c of msg.InvtCancel as Node[])
          this.#push(
            receipts,
            'CEB606Message',
            `<ceb:InvtCancelReturn>${cebFields([
              ['guid', guid(`606:${s(c.copNo)}`)],
              ['agentCode', s(c.agentCode)],
              ['copNo', s(c.copNo)],
              ['preNo', preNo(s(c.copNo))],
              ['invtNo', s(c.invtNo)],
              ...this.#ret('399', 1, '撤销审结 (test responder)'),
            ])}</ceb:InvtCancelReturn>`,
          );
        return;
      case 'CEB701Message':
        for (const a of msg.SummaryApply as Node[]) this.#answerSummary(a, state, receipts, guid, preNo);
        return;
      default:
        return;
    }
  }

  #answerList(
    inv: Node,
    state: State,
    receipts: { type: string; nodes: string[] }[],
    guid: (k: string) => string,
    preNo: (k: string) => string,
  ): void {
    const h = inv.InventoryHead as Node;
    const copNo = s(h.copNo);
    const rules = this.#rules.lists ?? {};
    const action =
      rules[s(h.logisticsNo)] ??
      rules[s(h.orderNo)] ??
      rules[copNo] ??
      this.#rules.defaultAction ??
      'release';
    state.serial++;
    const year = cstTimestamp(this.#nowMs()).slice(0, 4);
    const invtNo = `${s(h.customsCode) || this.#customsCode}${year}E${String(state.serial).padStart(9, '0')}`;
    const pre = preNo(copNo);
    const node = (status: string, step: number, info: string, number = true) =>
      `<ceb:InventoryReturn>${cebFields([
        ['guid', guid(`604:${copNo}:${status}`)],
        ['agentCode', s(h.agentCode)],
        ['copNo', copNo],
        ['preNo', pre],
        ['invtNo', number ? invtNo : ''],
        ['ebcCode', s(h.ebcCode)],
        ['ebpCode', s(h.ebpCode)],
        ['orderNo', s(h.orderNo)],
        ['statisticsFlag', s(h.statisticsFlag)],
        ...this.#ret(status, step, info),
      ])}</ceb:InventoryReturn>`;
    if (typeof action === 'object') {
      this.#push(receipts, 'CEB604Message', node('100', 1, `退单: ${action.reject} (test responder)`, false));
      return;
    }
    state.lists[invtNo] = {
      logisticsNo: s(h.logisticsNo),
      lines: ((inv.InventoryList as Node[]) ?? []).map((l) => ({
        gnum: Number(s(l.gnum)),
        gcode: s(l.gcode),
      })),
    };
    // One receipt file per step keeps customs' order: accepted, then review/inspection, then release.
    this.#pushStep(receipts, 1, node('120', 1, '海关入库 (test responder)'));
    if (action === 'accept') return;
    if (action === 'manual-review') {
      this.#pushStep(receipts, 2, node('300', 2, '人工审核 (test responder)'));
      return;
    }
    if (action === 'inspection' || action === 'inspection-then-release') {
      this.#pushStep(receipts, 2, node('500', 2, '海关查验 (test responder)'));
      if (action === 'inspection') return;
    }
    this.#pushStep(receipts, 3, node('399', 3, '海关审结 (test responder)'));
    this.#pushStep(receipts, 4, node('800', 4, '放行 (test responder)'));
  }

  /** Receipts of step `n` of the list ladder go into their own bucket (file), after earlier steps. */
  #pushStep(receipts: { type: string; nodes: string[] }[], step: number, node: string): void {
    const type = 'CEB604Message';
    const marker = `${type}#${step}`;
    let bucket = receipts.find((r) => (r as { marker?: string }).marker === marker);
    if (!bucket) {
      bucket = Object.assign({ type, nodes: [] as string[] }, { marker });
      const later = receipts.findIndex((r) => {
        const m = (r as { marker?: string }).marker;
        return m !== undefined && Number(m.split('#')[1]) > step;
      });
      if (later >= 0) receipts.splice(later, 0, bucket);
      else receipts.push(bucket);
    }
    bucket.nodes.push(node);
  }

  #answerSummary(
    a: Node,
    state: State,
    receipts: { type: string; nodes: string[] }[],
    guid: (k: string) => string,
    preNo: (k: string) => string,
  ): void {
    const h = a.SummaryApplyHead as Node;
    const copNo = s(h.copNo);
    state.serial++;
    const sumNo = `S${cstTimestamp(this.#nowMs()).slice(0, 8)}${String(state.serial).padStart(9, '0')}`;
    this.#push(
      receipts,
      'CEB702Message',
      `<ceb:SummaryReturn>${cebFields([
        ['guid', guid(`702:${copNo}`)],
        ['agentCode', s(h.agentCode)],
        ['ebcCode', s(h.ebcCode)],
        ['copNo', copNo],
        ['preNo', preNo(copNo)],
        ['sumNo', sumNo],
        ['msgSeqNo', '1'],
        ...this.#ret('399', 1, '汇总审结 (test responder)'),
      ])}</ceb:SummaryReturn>`,
    );
    const invtNos = ((a.SummaryApplyList as Node[]) ?? []).map((l) => s(l.invtNo));
    const seq = new Map<string, number>();
    const lines: string[] = [];
    for (const invtNo of invtNos) {
      const list = state.lists[invtNo];
      if (!list) continue;
      for (const l of list.lines) {
        if (!seq.has(l.gcode)) seq.set(l.gcode, seq.size + 1);
        lines.push(
          `<ceb:SummaryResultList>${cebFields([
            ['invtNo', invtNo],
            ['logisticsNo', list.logisticsNo],
            ['gseqno', seq.get(l.gcode)!],
            ['gnum', l.gnum],
            ['gcode', l.gcode],
          ])}</ceb:SummaryResultList>`,
        );
      }
    }
    const declSeqNo = `D${cstTimestamp(this.#nowMs()).slice(0, 8)}${String(state.serial).padStart(9, '0')}`;
    const entryId = `${s(h.customsCode)}${cstTimestamp(this.#nowMs()).slice(0, 4)}1${String(state.serial).padStart(9, '0')}`;
    this.#push(
      receipts,
      'CEB792Message',
      `<ceb:SummaryResult><ceb:SummaryResultHead>${cebFields([
        ['guid', guid(`792:${copNo}`)],
        ['customsCode', s(h.customsCode)],
        ['sumNo', sumNo],
        ['opDate', this.#time(2)],
        ['declSeqNo', declSeqNo],
        ['entryId', entryId],
        ['decState', '10'],
        ['agentCode', s(h.agentCode)],
        ['agentName', s(h.agentName)],
        ['ebcCode', s(h.ebcCode)],
        ['ebcName', s(h.ebcName)],
        ['declAgentCode', s(h.declAgentCode)],
        ['declAgentName', s(h.declAgentName)],
        ['grossWeight', '0'],
        ['netWeight', '0'],
        ['msgCount', '1'],
        ['msgSeqNo', '1'],
      ])}</ceb:SummaryResultHead>${lines.join('')}</ceb:SummaryResult>`,
    );
  }
}
