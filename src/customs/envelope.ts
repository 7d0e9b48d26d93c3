import type { HubCustomsProfile } from './profiles.ts';
import { cstDxpTime, DXP_NS, escapeText } from './xml.ts';

/**
 * The terminal-node envelope (`DxpMsg`, spec §4): the business message Base64-encoded in `Data`, with
 * the sender's message id, the DXP ids of sender and receivers, the creation time and the message type
 * [customs-china.md §2]. What the E-port transfer client picks up from the hub's out folder.
 */
export interface DxpEnvelope {
  /** The sender's unique id of this message (CopMsgId, ≤ 255). */
  readonly copMsgId: string;
  readonly senderId: string;
  readonly receiverIds: readonly string[];
  /** UTC epoch ms; written as China Standard Time `yyyy-MM-ddTHH:mm:ss`. */
  readonly createdAtMs: number;
  readonly msgType: string;
  /** The business message (UTF-8 XML). */
  readonly data: string;
}

/** Wraps a (signed) CEB message in a `DxpMsg` envelope, with its XML declaration. */
export function wrapInEnvelope(
  hub: HubCustomsProfile,
  message: { readonly type: string; readonly xml: string },
  copMsgId: string,
  createdAtMs: number,
): string {
  const data = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${message.xml}`, 'utf8').toString(
    'base64',
  );
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<dxp:DxpMsg xmlns:dxp="${DXP_NS}" ver="1.0"><dxp:TransInfo>` +
    `<dxp:CopMsgId>${escapeText(copMsgId)}</dxp:CopMsgId>` +
    `<dxp:SenderId>${escapeText(hub.dxpId)}</dxp:SenderId>` +
    `<dxp:ReceiverIds><dxp:ReceiverId>${escapeText(hub.receiverId)}</dxp:ReceiverId></dxp:ReceiverIds>` +
    `<dxp:CreatTime>${cstDxpTime(createdAtMs)}</dxp:CreatTime>` +
    `<dxp:MsgType>${escapeText(message.type)}</dxp:MsgType>` +
    `</dxp:TransInfo><dxp:Data>${data}</dxp:Data></dxp:DxpMsg>\n`
  );
}
