/**
 * China export customs for cross-border e-commerce (9610 B2C lists, 9710 B2B and 9810 overseas
 * warehouse): the CEB messages of the GACC 202205 specification built from the hub's data, the DXP
 * envelope, XML signature parts, three-document matching, receipts, summary declarations, and the
 * data destinations need (EU ICS2 and H7, US informal entries, UK, CIM/SMGS). Pure: plain data in,
 * plain data out; the shell signs, writes files and talks to the E-port.
 */
export {
  type ConveyanceOverride,
  conveyanceOf,
  containerNumberOf,
  type DepartureRef,
  iso6346CheckDigit,
} from './conveyance.ts';
export {
  type BuildDeclarationInput,
  buildDeclaration,
  type CustomsCodeLists,
  type CustomsParcel,
  type ExportConveyance,
  gcodeOf,
  type GoodsLine,
  hubWaybillNo,
  itemNoOf,
  type ListDocument,
  type ListLine,
  listCopNo,
  type OrderDocument,
  type ParcelDeclaration,
  type ParcelReferences,
  type PaymentDocument,
  type WaybillDocument,
} from './documents.ts';
export {
  arrivalMessages,
  type CebMessage,
  type ConveyedParcel,
  cancelMessages,
  decimal,
  type DepartureManifest,
  departureMessages,
  type ListCancellation,
  listMessages,
  MAX_LINES_PER_DOCUMENT,
  MAX_NODES_PER_MESSAGE,
  MAX_PARCELS_PER_TRANSPORT_NODE,
  type MessageContext,
  masterListMessages,
  OUTGOING_TYPES,
  type OutgoingType,
  orderMessages,
  paymentMessages,
  type SummaryRequest,
  summaryMessages,
  waybillMessages,
} from './messages.ts';
export {
  deriveSellerProfile,
  EnterpriseCodeSchema,
  type HubCustomsProfile,
  HubCustomsProfileSchema,
  ORDER_TYPE,
  type SellerCustomsProfile,
  SellerCustomsProfileSchema,
  sampleHubProfile,
  TRADE_MODES,
  type TradeMode,
} from './profiles.ts';
export { cstTimestamp, guidOf, parseCstTimestamp } from './xml.ts';
export { type DxpEnvelope, wrapInEnvelope } from './envelope.ts';
export {
  describeMismatch,
  MATCHING_RULES,
  type MatchedDocument,
  type MatchingRule,
  type MatchResult,
  type Mismatch,
  matchDeclaration,
  matchDeclarations,
} from './matching.ts';
export {
  isRejection,
  outcomeOfStatus,
  type ParsedReceipt,
  parseReceipt,
  RECEIPT_OUTCOMES,
  RECEIPT_TYPES,
  type ReceiptEntry,
  type ReceiptKind,
  type ReceiptOutcome,
  type ReceiptType,
  type SummaryResult,
  type SummaryResultLine,
} from './receipts.ts';
export {
  digestInputOf,
  insertSignature,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
  type SignatureKeyInfo,
  signedInfoOf,
} from './signature.ts';
