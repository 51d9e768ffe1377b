package com.casarerpa.fleet.migrate;

import java.util.List;

/**
 * What {@code migrate} would do, compared the way {@code supabase db push} compares: the local
 * files against {@code supabase_migrations.schema_migrations}.
 *
 * @param applied versions recorded in the database (sorted)
 * @param pending local migrations not recorded, in version order
 * @param outOfOrder pending migrations older than the newest recorded one (the CLI refuses these
 *     unless told {@code --include-all})
 * @param unknownRemote recorded versions with no local file (the CLI refuses to push then)
 */
public record MigrationPlan(
    List<String> applied,
    List<Migration> pending,
    List<Migration> outOfOrder,
    List<String> unknownRemote) {}
