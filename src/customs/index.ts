/**
 * China export customs for cross-border e-commerce (9610 B2C lists, 9710 B2B and 9810 overseas
 * warehouse): the CEB messages of the GACC 202205 specification built from the hub's data, the DXP
 * envelope, XML signature parts, three-document matching, receipts, summary declarations, and the
 * data destinations need (EU ICS2 and H7, US informal entries, UK, CIM/SMGS). Pure: plain data in,
 * plain data out; the shell signs, writes files and talks to the E-port.
 */
export {
  type ConveyanceOverride,
  containerNumberOf,
  conveyanceOf,
  type DepartureRef,
  iso6346CheckDigit,
} from './conveyance.ts';
export {
  checkDescriptions,
  DESTINATION_DATASETS,
  type DescriptionFinding,
  type DestinationData,
  type DestinationDataset,
  type DestinationParcel,
  destinationCsv,
  destinationData,
  EU_FLAT_DUTY,
  type H7Declaration,
  type Ics2HouseConsignment,
  manufacturerIdOf,
  type RailConsignmentNote,
  railConsignmentNote,
  railNotesCsv,
  type UkConsignment,
  type UsEntry,
} from './destination.ts';
export {
  type BuildDeclarationInput,
  buildDeclaration,
  type CustomsCodeLists,
  type CustomsParcel,
  type ExportConveyance,
  type GoodsLine,
  gcodeOf,
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
  arrivalMessages,
  type CebMessage,
  type ConveyedParcel,
  cancelMessages,
  type DepartureManifest,
  decimal,
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
export {
  type ExportStatistics,
  exportStatistics,
  type StatisticsDimension,
  type StatisticsLine,
  type StatisticsRow,
} from './statistics.ts';
export {
  type CustomsEventCode,
  type CustomsEventKind,
  DECLARATION_STATUSES,
  type DeclarationStatus,
  type DeclarationTransition,
  transitionOf,
} from './status.ts';
export {
  planSummary,
  type ReleasedLine,
  type SummaryDeclaration,
  type SummaryItem,
  type SummaryPeriod,
  type SummaryPeriodOptions,
  type SummaryPlan,
  summaryPeriod,
} from './summary.ts';
export { cstTimestamp, guidOf, parseCstTimestamp } from './xml.ts';
