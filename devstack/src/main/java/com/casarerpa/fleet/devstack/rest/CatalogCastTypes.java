package com.casarerpa.fleet.devstack.rest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Resolves {@code ::type} casts in {@code select} through {@code to_regtype}, so the SQL only ever
 * holds the catalog's own spelling of a type. Remembers up to {@value #MAX_REMEMBERED} names.
 */
final class CatalogCastTypes implements SelectList.CastTypes {
  private static final int MAX_REMEMBERED = 256;

  private final DataSource catalog;
  private final Map<String, String> known = new ConcurrentHashMap<>();

  CatalogCastTypes(DataSource catalog) {
    this.catalog = catalog;
  }

  @Override
  public String resolve(String name) {
    String found = known.get(name);
    if (found != null) {
      return found;
    }
    try (Connection c = catalog.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT format_type(to_regtype(?), NULL)")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        found = rs.getString(1);
      }
    } catch (SQLException e) {
      found = null;
    }
    if (found == null) {
      throw new ApiError(400, "42704", "type \"" + name + "\" does not exist", null, null);
    }
    if (known.size() < MAX_REMEMBERED) {
      known.put(name, found);
    }
    return found;
  }
}
