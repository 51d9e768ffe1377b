package com.casarerpa.fleet.operator;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * JDBC connections for the commands that need the catalog or DDL ({@code migrate}, {@code rls},
 * {@code verify}, {@code types}). Safe through Supabase's transaction pooler: no server-side
 * prepared statements ({@code prepareThreshold=0}) and no session state relied on across
 * transactions.
 */
public final class Database {
  private Database() {}

  public static DataSource dataSource(Settings.DatabaseTarget target) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {target.host()});
    ds.setPortNumbers(new int[] {target.port()});
    ds.setDatabaseName(target.database());
    ds.setUser(target.user());
    ds.setPassword(target.password());
    ds.setPrepareThreshold(0);
    ds.setApplicationName("casare-fleet");
    ds.setConnectTimeout(10);
    ds.setSslMode(target.ssl() ? "require" : "disable");
    return ds;
  }

  /** Opens one connection, turning a refusal into a clear CLI error. */
  public static Connection connect(DataSource ds, Settings.DatabaseTarget target) {
    try {
      return ds.getConnection();
    } catch (SQLException e) {
      boolean auth = "28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState());
      throw new CliException(
          auth ? CliException.AUTH : CliException.FAILURE,
          "cannot connect to the database "
              + target
              + ": "
              + e.getMessage()
              + (auth ? " (check the database password / DATABASE_URL)" : ""),
          e);
    }
  }
}
