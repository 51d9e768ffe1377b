package com.casarerpa.fleet.devstack.rest;

import com.casarerpa.fleet.devstack.rest.RequestTransaction.JsonRows;
import com.casarerpa.fleet.devstack.rest.RpcFunction.Argument;
import com.casarerpa.fleet.devstack.rest.RpcFunction.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code /rest/v1/rpc/<fn>}: calls a function with named arguments, as PostgREST does. */
final class RpcEndpoint {
  private static final String ALIAS = "pgrst_f";

  private final SchemaCache cache;
  private final RequestTransaction transaction;
  private final RequestBodies bodies;
  private final SelectList.CastTypes castTypes;
  private final long maxRows;

  RpcEndpoint(
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

  RestResponse handle(RestRequest request, String name, String claims) {
    boolean post = request.method().equals("POST");
    if (!post && !request.isRead()) {
      throw new ApiError(
          405, "PGRST101", "Cannot use the " + request.method() + " method on RPC", null, null);
    }
    // a POST body is checked and its top-level names read without building a tree: it goes to the
    // database as it is (a 1,000-line append_robot_logs call is ~200 KB)
    ObjectNode args = post ? null : getArguments(request);
    Set<String> names = new TreeSet<>();
    if (post) {
      names.addAll(postArgumentNames(request));
    } else {
      args.fieldNames().forEachRemaining(names::add);
    }
    RpcCall call = RpcCall.resolve(cache, name, names, args, request.body(), post);
    RpcFunction function = call.function();
    Sql from = call.from();
    boolean readOnly = !post || function.readOnly();
    if (function.shape() == Shape.VOID) {
      Sql sql = new Sql().append("SELECT 1 FROM ").append(from);
      transaction.run(
          request,
          claims,
          readOnly,
          c -> {
            try (PreparedStatement s = RequestTransaction.prepare(c, sql);
                ResultSet rs = s.executeQuery()) {
              return rs.next();
            }
          });
      return RestResponse.empty(204, RestResponse.headers(null, request.prefer()));
    }
    if (function.shape() == Shape.SCALAR) {
      Sql sql =
          new Sql()
              .append("SELECT coalesce(to_json(" + ALIAS + ")::text, 'null'), 1 FROM ")
              .append(from);
      JsonRows rows =
          transaction.run(request, claims, readOnly, c -> RequestTransaction.jsonRows(c, sql));
      return new RestResponse(
          200, RestResponse.headers(null, request.prefer()), rows.json(), RestResponse.JSON);
    }
    if (function.shape() == Shape.UNTYPED_RECORD) {
      throw new ApiError(
          400,
          "PGRST100",
          "Function " + function.schema() + "." + function.name() + " returns an untyped record",
          null,
          "Declare OUT parameters or RETURNS TABLE(...) so the result has named columns.");
    }
    return setResult(request, claims, function, from, readOnly, args);
  }

  private RestResponse setResult(
      RestRequest request,
      String claims,
      RpcFunction function,
      Sql from,
      boolean readOnly,
      ObjectNode args) {
    ReadQuery query =
        ReadQuery.parse(
            request.query(),
            request.range(),
            function.name(),
            key -> !request.method().equals("POST") && args.has(key));
    Sql rowsSql = new Sql();
    if (function.shape() == Shape.SCALAR_SET) {
      rowsSql.append("SELECT " + ALIAS + " AS pgrst_v FROM ").append(from);
    } else {
      Map<String, Column> columns = new LinkedHashMap<>();
      function.outputColumns().forEach(c -> columns.put(c.name(), c));
      ColumnTarget target = new ColumnTarget(function.name(), columns, null);
      rowsSql
          .append("SELECT ")
          .append(query.select().render(target, ALIAS, castTypes))
          .append(" FROM ")
          .append(from);
      Sql where = new Predicates(target, ALIAS).where(query.filters());
      if (!where.isEmpty()) {
        rowsSql.append(" WHERE ").append(where);
      }
      rowsSql.append(query.orderBy(target, ALIAS));
    }
    boolean single = function.shape() == Shape.COMPOSITE;
    String agg =
        function.shape() == Shape.SCALAR_SET ? "json_agg(pgrst_r.pgrst_v)" : "json_agg(pgrst_r)";
    String body =
        single || request.singular()
            ? "coalesce((" + agg + " -> 0)::text, '" + (single ? "null" : "") + "')"
            : "coalesce(" + agg + ", '[]')::text";
    Sql sql =
        new Sql()
            .append("WITH pgrst_rows AS MATERIALIZED (")
            .append(rowsSql)
            .append(") SELECT " + body + ", count(*), (SELECT count(*) FROM pgrst_rows) FROM")
            .append(" (SELECT * FROM pgrst_rows" + query.page(maxRows) + ") pgrst_r");
    long[] total = {-1};
    JsonRows rows =
        transaction.run(
            request,
            claims,
            readOnly,
            c -> {
              try (PreparedStatement s = RequestTransaction.prepare(c, sql);
                  ResultSet rs = s.executeQuery()) {
                rs.next();
                total[0] = rs.getLong(3);
                return new JsonRows(rs.getString(1), rs.getLong(2));
              }
            });
    if (single) {
      return new RestResponse(
          200, RestResponse.headers(null, request.prefer()), rows.json(), RestResponse.JSON);
    }
    return TableEndpoint.readResponse(
        request, query.offset(), rows, request.prefer().count() ? total[0] : -1);
  }

  /** The top-level names of a POST body that is a JSON object (none for a blank or other body). */
  private List<String> postArgumentNames(RestRequest request) {
    if (request.body() == null || request.body().isBlank()) {
      return List.of();
    }
    return bodies.objectNames(request.body());
  }

  private ObjectNode getArguments(RestRequest request) {
    ObjectNode args = bodies.mapper().createObjectNode();
    request
        .query()
        .forEach(
            (key, values) -> {
              if (!ReadQuery.RESERVED.contains(key)
                  && !FilterParser.isGroupKey(key)
                  && !values.isEmpty()) {
                args.put(key, values.getFirst());
              }
            });
    return args;
  }

  /**
   * A resolved call: the chosen overload and the FROM clause that calls it as {@code pgrst_f}. A
   * POST passes its body as it is (every name in it is an argument of the chosen overload); a GET
   * passes the query arguments the overload takes ({@code getArgs}).
   */
  record RpcCall(RpcFunction function, Sql from) {
    static RpcCall resolve(
        SchemaCache cache,
        String name,
        Set<String> names,
        ObjectNode getArgs,
        String rawBody,
        boolean post) {
      List<RpcFunction> overloads = cache.functions(name);
      RpcFunction chosen = OverloadChoice.choose(cache.schema(), name, overloads, names, post);
      Sql from = new Sql();
      if (chosen.takesWholeBody()) {
        String body = rawBody == null || rawBody.isBlank() ? "{}" : rawBody;
        from.append(chosen.qualifiedName() + "(")
            .value(body)
            .append("::" + chosen.arguments().getFirst().type() + ") " + ALIAS);
        return new RpcCall(chosen, from);
      }
      List<Argument> used =
          chosen.arguments().stream()
              .filter(a -> !a.name().isEmpty() && names.contains(a.name()))
              .toList();
      if (used.isEmpty()) {
        return new RpcCall(chosen, from.append(chosen.qualifiedName() + "() " + ALIAS));
      }
      StringBuilder columns = new StringBuilder();
      StringBuilder call = new StringBuilder();
      for (Argument a : used) {
        String ident = Sql.ident(a.name());
        columns.append(columns.isEmpty() ? "" : ", ").append(ident).append(' ').append(a.type());
        call.append(call.isEmpty() ? "" : ", ").append(ident + " := pgrst_args." + ident);
      }
      String json;
      if (post) {
        json = rawBody; // the chosen overload takes every name of the body (see score)
      } else {
        ObjectNode onlyUsed = getArgs.objectNode();
        used.forEach(a -> onlyUsed.set(a.name(), getArgs.get(a.name())));
        json = onlyUsed.toString();
      }
      from.append("json_to_record(")
          .value(json)
          .append("::json) AS pgrst_args(" + columns + ") CROSS JOIN LATERAL ")
          .append(chosen.qualifiedName() + "(" + call + ") " + ALIAS);
      return new RpcCall(chosen, from);
    }
  }

  /** Chooses the overload matching the given argument names, as PostgREST does. */
  static final class OverloadChoice {
    private OverloadChoice() {}

    static RpcFunction choose(
        String schema, String name, List<RpcFunction> overloads, Set<String> names, boolean post) {
      TreeSet<String> keys = new TreeSet<>(names);
      RpcFunction best = null;
      int bestScore = -1;
      boolean ambiguous = false;
      for (RpcFunction f : overloads) {
        int score = score(f, keys, post);
        if (score > bestScore) {
          best = f;
          bestScore = score;
          ambiguous = false;
        } else if (score == bestScore && score >= 0) {
          ambiguous = true;
        }
      }
      if (best == null || bestScore < 0) {
        throw notFound(schema, name, overloads, keys);
      }
      if (ambiguous) {
        throw new ApiError(
            300,
            "PGRST203",
            "Could not choose the best candidate function between several overloads of "
                + schema
                + "."
                + name,
            null,
            "Try renaming the parameters or the function itself in the database so function"
                + " overloading can be resolved");
      }
      return best;
    }

    /** -1 when {@code f} cannot take {@code keys}; higher is a closer match. */
    private static int score(RpcFunction f, TreeSet<String> keys, boolean post) {
      if (f.takesWholeBody()) {
        return post ? 0 : -1;
      }
      int matched = 0;
      for (Argument a : f.arguments()) {
        boolean given = keys.contains(a.name());
        if (!given && !a.hasDefault()) {
          return -1;
        }
        matched += given ? 1 : 0;
      }
      if (post && matched != keys.size()) {
        return -1;
      }
      // a base above any argument count: omitting every defaulted argument still scores >= 0
      return 1_000 + matched * 100 - f.arguments().size();
    }

    private static ApiError notFound(
        String schema, String name, List<RpcFunction> overloads, TreeSet<String> keys) {
      String qualified = schema + "." + name;
      String params = String.join(", ", keys);
      String message =
          keys.isEmpty()
              ? "Could not find the function "
                  + qualified
                  + " without parameters in the schema cache"
              : "Could not find the function " + qualified + "(" + params + ") in the schema cache";
      String details =
          keys.isEmpty()
              ? "Searched for the function "
                  + qualified
                  + " without parameters or with a single"
                  + " unnamed json/jsonb parameter, but no matches were found in the schema cache."
              : "Searched for the function "
                  + qualified
                  + " with parameter"
                  + (keys.size() > 1 ? "s " : " ")
                  + params
                  + " or with a single unnamed json/jsonb parameter, but no matches were"
                  + " found in the schema cache.";
      String hint =
          overloads.isEmpty()
              ? null
              : "Perhaps you meant to call the function "
                  + qualified
                  + "("
                  + String.join(
                      ", ", overloads.getFirst().arguments().stream().map(Argument::name).toList())
                  + ")";
      return new ApiError(404, "PGRST202", message, details, hint);
    }
  }
}
