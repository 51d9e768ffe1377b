package com.casarerpa.fleet.migrate;

import java.util.List;

/**
 * One migration file: {@code <version>_<name>.sql}, as the Supabase CLI names them.
 *
 * @param version the leading digits of the file name (orders and identifies the migration)
 * @param name the rest of the file name without {@code .sql}
 * @param sql the file's text
 */
public record Migration(String version, String name, String sql) implements Comparable<Migration> {
  /** The file name, {@code <version>_<name>.sql}. */
  public String fileName() {
    return version + "_" + name + ".sql";
  }

  /** The statements as the Supabase CLI splits and records them. */
  public List<SqlStatement> statements() {
    return SqlSplitter.split(sql);
  }

  @Override
  public int compareTo(Migration other) {
    return version.compareTo(other.version);
  }
}
