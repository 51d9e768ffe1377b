package com.casarerpa.fleet.devstack.db;

/**
 * One migration file: {@code <version>_<name>.sql}, as the Supabase CLI names them.
 *
 * @param version the leading digits of the file name (orders and identifies the migration)
 * @param name the rest of the file name without {@code .sql}
 * @param sql the file's text
 */
public record Migration(String version, String name, String sql) implements Comparable<Migration> {
  @Override
  public int compareTo(Migration other) {
    return version.compareTo(other.version);
  }
}
