package com.casarerpa.fleet.devstack.rest;

import com.casarerpa.fleet.devstack.rest.RequestTransaction.JsonRows;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /rest/v1/<table>}: reads and writes of one table or view with PostgREST semantics. */
final class TableEndpoint {
  private static final String ALIAS = TableWrite.ALIAS;

  private final SchemaCache cache;
  private final RequestTransaction transaction;
  private final RequestBodies bodies;
  private final SelectList.CastTypes castTypes;
  private final long maxRows;

  TableEndpoint(
      SchemaCache cache,
      RequestTransaction transaction,
      RequestBodies bodies,
      SelectList.CastTypes castTypes,
      long maxRows) {
    this.cache = cache;
    this.transaction = transaction;
    this.bodies = bodies;
    this.castTypes = castTypes;
    this.maxRows = maxRows;
  }

  RestResponse handle(RestRequest request, String table, String claims) {
    Relation relation = cache.relation(table).orElseThrow(() -> tableNotFound(table));
    ColumnTarget target =
        new ColumnTarget(
            relation.name(), relation.columns(), () -> cache.refreshed(relation).columns());
    return switch (request.method()) {
      case "GET", "HEAD" -> read(request, relation, target, claims);
      case "POST" -> insert(request, relation, target, claims, false);
      case "PUT" -> insert(request, relation, target, claims, true);
      case "PATCH" -> update(request, relation, target, claims);
      case "DELETE" -> delete(request, relation, target, claims);
      default ->
          throw new ApiError(
              405, "PGRST117", "Unsupported HTTP method: " + request.method(), null, null);
    };
  }

  private ApiError tableNotFound(String table) {
    return new ApiError(
        404,
        "PGRST205",
        "Could not find the table '" + cache.schema() + "." + table + "' in the schema cache",
        null,
        null);
  }

  private RestResponse read(
      RestRequest request, Relation relation, ColumnTarget target, String claims) {
    ReadQuery query =
        ReadQuery.parse(request.query(), request.range(), relation.name(), k -> false);
    Sql where = new Predicates(target, ALIAS).where(query.filters());
    Sql inner =
        new Sql()
            .append("SELECT ")
            .append(
                query
                    .select()
                    .render(target, ALIAS, castTypes, new Embedding(cache, relation, castTypes)))
            .append(" FROM " + relation.qualifiedName() + " " + ALIAS);
    appendWhere(inner, where);
    inner.append(query.orderBy(target, ALIAS)).append(query.page(maxRows));
    Sql sql = aggregate(inner, request.singular());
    Sql countSql =
        new Sql().append("SELECT count(*) FROM " + relation.qualifiedName() + " " + ALIAS);
    appendWhere(countSql, where);
    boolean counting = request.prefer().count();
    long[] total = {-1};
    JsonRows rows =
        transaction.run(
            request,
            claims,
            true,
            c -> {
              if (counting) {
                total[0] = RequestTransaction.count(c, countSql);
              }
              return RequestTransaction.jsonRows(c, sql);
            });
    return readResponse(request, query.offset(), rows, total[0]);
  }

  /** Builds the status, {@code Content-Range} and body of a read (tables and RPC sets). */
  static RestResponse readResponse(RestRequest request, long offset, JsonRows rows, long total) {
    String totalText = total < 0 ? "*" : Long.toString(total);
    if (total >= 0 && offset > 0 && offset > total) {
      throw new ApiError(
          416,
          "PGRST103",
          "Requested range not satisfiable",
          "An offset of " + offset + " was requested, but there are only " + total + " rows.",
          null);
    }
    String range =
        rows.rows() == 0
            ? "*/" + totalText
            : offset + "-" + (offset + rows.rows() - 1) + "/" + totalText;
    int status = total >= 0 && rows.rows() < total ? 206 : 200;
    Map<String, String> headers = RestResponse.headers(range, request.prefer());
    if (request.singular()) {
      requireOne(rows.rows());
    }
    String body = request.method().equals("HEAD") ? null : rows.json();
    return new RestResponse(
        status, headers, body, request.singular() ? RestResponse.SINGULAR : RestResponse.JSON);
  }

  static void requireOne(long rows) {
    if (rows != 1) {
      throw new ApiError(
          406,
          "PGRST116",
          "Cannot coerce the result to a single JSON object",
          "The result contains " + rows + " rows",
          null);
    }
  }

  /** Wraps {@code inner} (aliased {@code pgrst_r}) into one JSON text plus its row count. */
  static Sql aggregate(Sql inner, boolean singular) {
    String body =
        singular
            ? "coalesce((json_agg(pgrst_r) -> 0)::text, '')"
            : "coalesce(json_agg(pgrst_r), '[]')::text";
    return new Sql()
        .append("SELECT " + body + ", count(*) FROM (")
        .append(inner)
        .append(") pgrst_r");
  }

  private static void appendWhere(Sql sql, Sql where) {
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(where);
    }
  }

  private RestResponse insert(
      RestRequest request, Relation relation, ColumnTarget target, String claims, boolean put) {
    JsonNode body = bodies.parse(request.body());
    List<JsonNode> rows = TableWrite.rows(body);
    if (put && (rows.size() != 1 || relation.primaryKey().isEmpty())) {
      throw new ApiError(
          405,
          "PGRST105",
          "Filters must include all and only primary key columns with 'eq' operators",
          null,
          null);
    }
    TableWrite write = new TableWrite(relation, target);
    List<String> columns = write.columns(rows, request.firstParam("columns"));
    Prefer prefer = request.prefer();
    String resolution = put ? "merge-duplicates" : prefer.resolution();
    List<String> onConflict = new ArrayList<>();
    String onConflictParam = request.firstParam("on_conflict");
    if (onConflictParam != null) {
      for (String raw : FilterParser.splitTopLevel(onConflictParam)) {
        onConflict.add(FilterParser.unquote(raw.strip()));
      }
    }
    String bodyArray = body.isArray() ? request.body() : "[" + request.body() + "]";
    Sql statement =
        rows.isEmpty()
            ? null
            : write.insert(
                rows, bodyArray, columns, prefer.missingDefault(), resolution, onConflict);
    WriteResult result = write(request, relation, target, claims, statement);
    int status = put ? (prefer.representation() ? 200 : 204) : 201;
    if (!put && resolution != null && result.rows() == 0 && !rows.isEmpty()) {
      status = 200;
    }
    String range = "*/" + (prefer.count() ? Long.toString(result.rows()) : "*");
    return writeResponse(request, status, range, result);
  }

  private RestResponse update(
      RestRequest request, Relation relation, ColumnTarget target, String claims) {
    JsonNode body = bodies.parse(request.body());
    if (!body.isObject()) {
      throw ApiError.badBody("A PATCH body must be one JSON object");
    }
    TableWrite write = new TableWrite(relation, target);
    List<String> columns = write.columns(List.of(body), null);
    ReadQuery query = ReadQuery.parse(request.query(), null, relation.name(), k -> false);
    Sql statement = null;
    if (!columns.isEmpty()) {
      statement = write.update(request.body(), columns);
      appendWhere(statement, new Predicates(target, ALIAS).where(query.filters()));
    }
    WriteResult result = write(request, relation, target, claims, statement);
    String total = request.prefer().count() ? Long.toString(result.rows()) : "*";
    String range = result.rows() == 0 ? "*/" + total : "0-" + (result.rows() - 1) + "/" + total;
    return writeResponse(request, request.prefer().representation() ? 200 : 204, range, result);
  }

  private RestResponse delete(
      RestRequest request, Relation relation, ColumnTarget target, String claims) {
    ReadQuery query = ReadQuery.parse(request.query(), null, relation.name(), k -> false);
    Sql statement = new Sql().append("DELETE FROM " + relation.qualifiedName() + " AS " + ALIAS);
    appendWhere(statement, new Predicates(target, ALIAS).where(query.filters()));
    WriteResult result = write(request, relation, target, claims, statement);
    String range = "*/" + (request.prefer().count() ? Long.toString(result.rows()) : "*");
    return writeResponse(request, request.prefer().representation() ? 200 : 204, range, result);
  }

  /** What a write did: rows affected, and their representation when asked for. */
  private record WriteResult(long rows, String json, String location) {}

  private WriteResult write(
      RestRequest request, Relation relation, ColumnTarget target, String claims, Sql statement) {
    Prefer prefer = request.prefer();
    if (statement == null) {
      return new WriteResult(0, request.singular() ? "" : "[]", null);
    }
    boolean headersOnly =
        "headers-only".equals(prefer.returning()) && !relation.primaryKey().isEmpty();
    if (!prefer.representation() && !headersOnly) {
      long rows =
          transaction.run(request, claims, false, c -> RequestTransaction.update(c, statement));
      return new WriteResult(rows, null, null);
    }
    ReadQuery query = ReadQuery.parse(request.query(), null, relation.name(), k -> false);
    Sql select =
        headersOnly
            ? new Sql().append(TableWrite.identList(relation.primaryKey()))
            : query
                .select()
                .render(target, ALIAS, castTypes, new Embedding(cache, relation, castTypes));
    Sql sql =
        new Sql()
            .append("WITH pgrst_source AS (")
            .append(statement)
            .append(" RETURNING " + ALIAS + ".*) ")
            .append(
                aggregate(
                    new Sql()
                        .append("SELECT ")
                        .append(select)
                        .append(" FROM pgrst_source " + ALIAS),
                    request.singular() && !headersOnly));
    return transaction.run(
        request,
        claims,
        false,
        (Connection c) -> {
          JsonRows rows = RequestTransaction.jsonRows(c, sql);
          if (request.singular()) {
            requireOne(rows.rows());
          }
          return headersOnly
              ? new WriteResult(rows.rows(), null, location(relation, rows.json()))
              : new WriteResult(rows.rows(), rows.json(), null);
        });
  }

  private String location(Relation relation, String json) {
    JsonNode first = bodies.parse(json).path(0);
    if (first.isMissingNode()) {
      return null;
    }
    StringBuilder location = new StringBuilder("/" + relation.name());
    String sep = "?";
    for (String key : relation.primaryKey()) {
      location.append(sep).append(key).append("=eq.").append(first.path(key).asText());
      sep = "&";
    }
    return location.toString();
  }

  private static RestResponse writeResponse(
      RestRequest request, int status, String range, WriteResult result) {
    Map<String, String> headers = RestResponse.headers(range, request.prefer());
    if (result.location() != null) {
      headers.put("Location", result.location());
    }
    if (result.json() == null) {
      return RestResponse.empty(status, headers);
    }
    return new RestResponse(
        status,
        headers,
        result.json(),
        request.singular() ? RestResponse.SINGULAR : RestResponse.JSON);
  }
}
