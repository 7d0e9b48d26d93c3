import type { Equipment, NetworkNode, NetworkService } from './api/index.ts';
import zh from './locales/names-zh.json';

/**
 * Names of the network's places, services and container types in the reader's language: the network's
 * own `nameZh` where it has one, else the console's Chinese names (locales/names-zh.json), else English.
 */
const ZH: {
  readonly nodes: Readonly<Record<string, string>>;
  readonly services: Readonly<Record<string, string>>;
  readonly equipment: Readonly<Record<string, string>>;
} = zh;

const isZh = (locale: string) => locale.toLowerCase().startsWith('zh');

export function nodeName(n: Pick<NetworkNode, 'id' | 'name' | 'nameZh'>, locale: string): string {
  return isZh(locale) ? (n.nameZh ?? ZH.nodes[n.id] ?? n.name) : n.name;
}

export function serviceName(s: Pick<NetworkService, 'id' | 'name' | 'nameZh'>, locale: string): string {
  return isZh(locale) ? (s.nameZh ?? ZH.services[s.id] ?? s.name) : s.name;
}

export function equipmentName(e: Pick<Equipment, 'type' | 'name'>, locale: string): string {
  return isZh(locale) ? (ZH.equipment[e.type] ?? e.name) : e.name;
}

/**
 * A place's short name for a route ("Erenhot", "Frankfurt Airport"): the first part of its name, before
 * any bracket or dash that explains it.
 */
export function shortNodeName(n: Pick<NetworkNode, 'id' | 'name' | 'nameZh'>, locale: string): string {
  const full = nodeName(n, locale);
  return full.split(/\s*[（(]/)[0]?.trim() || full;
}
