/**
 * The customs tables (migration `2026-12-07-customs`). Every row carries `hub_id`, the hub it belongs to.
 * JSON is kept as text and parsed by `customs.repository.ts`.
 */

/** The hub's customs profile (`HubCustomsProfile` as JSON). */
export interface CustomsHubProfilesTable {
  hub_id: string;
  body: string;
  updated_at_ms: number;
}

/** A seller's customs profile (`SellerCustomsProfile` as JSON). */
export interface CustomsSellerProfilesTable {
  hub_id: string;
  seller_id: string;
  body: string;
  updated_at_ms: number;
}

/** What others reported of a parcel's order, payment and waybill (`ParcelReferences` as JSON). */
export interface CustomsParcelReferencesTable {
  hub_id: string;
  parcel_id: string;
  body: string;
  updated_at_ms: number;
}

/** A departure's customs state: the conveyance the operator recorded, the transport messages' outcomes. */
export interface CustomsDeparturesTable {
  hub_id: string;
  departure_id: string;
  plan_id: string | null;
  /** `ConveyanceOverride` as JSON. */
  conveyance: string;
  /** The copNo of the departure's transport messages (CEB507/509/607). */
  cop_no: string | null;
  master_status: string | null;
  arrival_status: string | null;
  departure_status: string | null;
  updated_at_ms: number;
}

/** One parcel's export declaration: its documents, matching, and where customs have got. */
export interface CustomsDeclarationsTable {
  hub_id: string;
  parcel_id: string;
  seller_id: string;
  departure_id: string;
  plan_id: string | null;
  /** See `DECLARATION_STATUSES` in customs.repository.ts. */
  status: string;
  trade_mode: string;
  cop_no: string;
  order_no: string;
  ebc_code: string;
  logistics_no: string;
  invt_no: string | null;
  pre_no: string | null;
  order_status: string | null;
  payment_status: string | null;
  waybill_status: string | null;
  list_status: string | null;
  reason: string | null;
  /** `Mismatch[]` as JSON. */
  mismatches: string;
  /** `ParcelDeclaration` as JSON. */
  documents: string;
  /** `{ type, id }[]` of the messages that carried the parcel, as JSON. */
  messages: string;
  revision: number;
  released_at_ms: number | null;
  updated_at_ms: number;
}

/** A message written to the out folder. */
export interface CustomsMessagesTable {
  id: string;
  hub_id: string;
  type: string;
  guid: string;
  departure_id: string | null;
  file_name: string;
  /** The signed CEB message. */
  xml: string;
  parcel_count: number;
  created_at_ms: number;
}

/** A list line, kept for summary declarations, statistics and the CEB792 mapping (tax refunds). */
export interface CustomsListLinesTable {
  hub_id: string;
  parcel_id: string;
  gnum: number;
  cop_no: string;
  invt_no: string | null;
  ebc_code: string;
  ebc_name: string;
  owner_code: string;
  statistics_flag: string;
  gcode: string;
  unit: string;
  currency: string;
  qty: number;
  total_minor: number;
  arrival_country: string;
  destination: string;
  traf_mode: string;
  port_code: string;
  corridor: string;
  released_at_ms: number | null;
  sum_no: string | null;
  decl_seq_no: string | null;
  entry_id: string | null;
  gseqno: number | null;
}

/** A receipt file taken in: processed once (unique by content hash), or set aside with the reason. */
export interface CustomsReceiptsTable {
  id: string;
  hub_id: string;
  file_name: string;
  sha256: string;
  msg_type: string | null;
  status: string;
  /** Parsed entries (or summary results) as JSON. */
  body: string | null;
  error: string | null;
  received_at_ms: number;
}

/** A monthly summary request (CEB701) and what customs answered. */
export interface CustomsSummariesTable {
  hub_id: string;
  cop_no: string;
  month: string;
  ebc_code: string;
  status: string;
  sum_no: string | null;
  /** The `SummaryDeclaration`s expected for this exporter, as JSON. */
  plan: string;
  message_id: string | null;
  updated_at_ms: number;
}

/** Customs events of parcels, until the tracking event path takes them (see customs.repository.ts). */
export interface CustomsEventsTable {
  id: string;
  hub_id: string;
  parcel_id: string;
  code: string;
  reason: string | null;
  at_ms: number;
  created_at_ms: number;
}

export interface CustomsTables {
  customs_hub_profiles: CustomsHubProfilesTable;
  customs_seller_profiles: CustomsSellerProfilesTable;
  customs_parcel_references: CustomsParcelReferencesTable;
  customs_departures: CustomsDeparturesTable;
  customs_declarations: CustomsDeclarationsTable;
  customs_messages: CustomsMessagesTable;
  customs_list_lines: CustomsListLinesTable;
  customs_receipts: CustomsReceiptsTable;
  customs_summaries: CustomsSummariesTable;
  customs_events: CustomsEventsTable;
}
