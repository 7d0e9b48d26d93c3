import type { Kysely, Migration } from 'kysely';

/** Migration `2026-12-07-customs`: the customs tables (see customs.tables.ts). */
export const customsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const s = db.schema;
    await s
      .createTable('customs_hub_profiles')
      .addColumn('hub_id', 'text', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .execute();
    await s
      .createTable('customs_seller_profiles')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('seller_id', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('customs_seller_profiles_pk', ['hub_id', 'seller_id'])
      .execute();
    await s
      .createTable('customs_parcel_references')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('parcel_id', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('customs_parcel_references_pk', ['hub_id', 'parcel_id'])
      .execute();
    await s
      .createTable('customs_departures')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('departure_id', 'text', (c) => c.notNull())
      .addColumn('plan_id', 'text')
      .addColumn('conveyance', 'text', (c) => c.notNull())
      .addColumn('cop_no', 'text')
      .addColumn('master_status', 'text')
      .addColumn('arrival_status', 'text')
      .addColumn('departure_status', 'text')
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('customs_departures_pk', ['hub_id', 'departure_id'])
      .execute();
    await s
      .createIndex('customs_departures_cop_idx')
      .on('customs_departures')
      .columns(['hub_id', 'cop_no'])
      .execute();
    await s
      .createTable('customs_declarations')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('parcel_id', 'text', (c) => c.notNull())
      .addColumn('seller_id', 'text', (c) => c.notNull())
      .addColumn('departure_id', 'text', (c) => c.notNull())
      .addColumn('plan_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('trade_mode', 'text', (c) => c.notNull())
      .addColumn('cop_no', 'text', (c) => c.notNull())
      .addColumn('order_no', 'text', (c) => c.notNull())
      .addColumn('ebc_code', 'text', (c) => c.notNull())
      .addColumn('logistics_no', 'text', (c) => c.notNull())
      .addColumn('invt_no', 'text')
      .addColumn('pre_no', 'text')
      .addColumn('order_status', 'text')
      .addColumn('payment_status', 'text')
      .addColumn('waybill_status', 'text')
      .addColumn('list_status', 'text')
      .addColumn('reason', 'text')
      .addColumn('mismatches', 'text', (c) => c.notNull())
      .addColumn('documents', 'text', (c) => c.notNull())
      .addColumn('messages', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('released_at_ms', 'bigint')
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('customs_declarations_pk', ['hub_id', 'parcel_id'])
      .execute();
    for (const [name, cols] of [
      ['customs_declarations_departure_idx', ['hub_id', 'departure_id']],
      ['customs_declarations_status_idx', ['hub_id', 'status']],
      ['customs_declarations_seller_idx', ['hub_id', 'seller_id', 'parcel_id']],
      ['customs_declarations_cop_idx', ['hub_id', 'cop_no']],
      ['customs_declarations_order_idx', ['hub_id', 'order_no']],
      ['customs_declarations_logistics_idx', ['hub_id', 'logistics_no']],
    ] as const)
      await s
        .createIndex(name)
        .on('customs_declarations')
        .columns([...cols])
        .execute();
    await s
      .createTable('customs_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('guid', 'text', (c) => c.notNull())
      .addColumn('departure_id', 'text')
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('xml', 'text', (c) => c.notNull())
      .addColumn('parcel_count', 'integer', (c) => c.notNull())
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .execute();
    await s
      .createIndex('customs_messages_departure_idx')
      .on('customs_messages')
      .columns(['hub_id', 'departure_id'])
      .execute();
    await s
      .createTable('customs_list_lines')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('parcel_id', 'text', (c) => c.notNull())
      .addColumn('gnum', 'integer', (c) => c.notNull())
      .addColumn('cop_no', 'text', (c) => c.notNull())
      .addColumn('invt_no', 'text')
      .addColumn('ebc_code', 'text', (c) => c.notNull())
      .addColumn('ebc_name', 'text', (c) => c.notNull())
      .addColumn('owner_code', 'text', (c) => c.notNull())
      .addColumn('statistics_flag', 'text', (c) => c.notNull())
      .addColumn('gcode', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('qty', 'integer', (c) => c.notNull())
      .addColumn('total_minor', 'bigint', (c) => c.notNull())
      .addColumn('arrival_country', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('traf_mode', 'text', (c) => c.notNull())
      .addColumn('port_code', 'text', (c) => c.notNull())
      .addColumn('corridor', 'text', (c) => c.notNull())
      .addColumn('released_at_ms', 'bigint')
      .addColumn('sum_no', 'text')
      .addColumn('decl_seq_no', 'text')
      .addColumn('entry_id', 'text')
      .addColumn('gseqno', 'integer')
      .addPrimaryKeyConstraint('customs_list_lines_pk', ['hub_id', 'parcel_id', 'gnum'])
      .execute();
    await s
      .createIndex('customs_list_lines_released_idx')
      .on('customs_list_lines')
      .columns(['hub_id', 'released_at_ms'])
      .execute();
    await s
      .createIndex('customs_list_lines_invt_idx')
      .on('customs_list_lines')
      .columns(['hub_id', 'invt_no', 'gnum'])
      .execute();
    await s
      .createTable('customs_receipts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('msg_type', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('body', 'text')
      .addColumn('error', 'text')
      .addColumn('received_at_ms', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('customs_receipts_hash_unique', ['hub_id', 'sha256'])
      .execute();
    await s
      .createTable('customs_summaries')
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('cop_no', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('ebc_code', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('sum_no', 'text')
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('customs_summaries_pk', ['hub_id', 'cop_no'])
      .execute();
    await s
      .createTable('customs_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('hub_id', 'text', (c) => c.notNull())
      .addColumn('parcel_id', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .execute();
    await s
      .createIndex('customs_events_parcel_idx')
      .on('customs_events')
      .columns(['hub_id', 'parcel_id', 'at_ms'])
      .execute();
  },
};
