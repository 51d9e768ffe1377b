package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.operator.setup.LiveSchema.Argument;
import com.casarerpa.fleet.operator.setup.LiveSchema.Column;
import com.casarerpa.fleet.operator.setup.LiveSchema.ForeignKey;
import com.casarerpa.fleet.operator.setup.LiveSchema.Function;
import com.casarerpa.fleet.operator.setup.LiveSchema.Relation;
import com.casarerpa.fleet.operator.setup.LiveSchema.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Typed definitions of a {@link LiveSchema}: TypeScript in the shape {@code supabase gen types
 * typescript} writes (for the edge functions), and Java records (for integrators).
 */
final class TypeWriters {
  private TypeWriters() {}

  private static final Set<String> TS_NUMBER =
      Set.of("int2", "int4", "int8", "float4", "float8", "numeric", "oid");
  private static final Set<String> TS_STRING =
      Set.of(
          "text",
          "varchar",
          "bpchar",
          "char",
          "name",
          "uuid",
          "date",
          "time",
          "timetz",
          "timestamp",
          "timestamptz",
          "interval",
          "inet",
          "cidr",
          "macaddr",
          "bytea",
          "citext");

  static String tsType(Type type) {
    if (type == null) {
      return "unknown";
    }
    if (type.isArray()) {
      return tsType(new Type(type.element(), null)) + "[]";
    }
    String n = type.name();
    if (TS_NUMBER.contains(n)) {
      return "number";
    }
    if (TS_STRING.contains(n)) {
      return "string";
    }
    return switch (n) {
      case "bool" -> "boolean";
      case "json", "jsonb" -> "Json";
      case "void" -> "undefined";
      case "record" -> "Record<string, unknown>";
      default -> "unknown";
    };
  }

  static String typescript(LiveSchema schema) {
    StringBuilder ts = new StringBuilder();
    ts.append(
        """
        export type Json =
          | string
          | number
          | boolean
          | null
          | { [key: string]: Json | undefined }
          | Json[]

        export type Database = {
          public: {
            Tables: {
        """);
    List<Relation> tables = schema.relations().stream().filter(r -> !r.view()).toList();
    List<Relation> views = schema.relations().stream().filter(Relation::view).toList();
    if (tables.isEmpty()) {
      ts.append("      [_ in never]: never\n");
    }
    for (Relation t : tables) {
      ts.append("      ").append(t.name()).append(": {\n");
      ts.append("        Row: {\n");
      for (Column c : t.columns()) {
        ts.append("          ").append(c.name()).append(": ").append(tsColumn(c)).append('\n');
      }
      ts.append("        }\n        Insert: {\n");
      for (Column c : t.columns()) {
        boolean optional = c.nullable() || c.hasDefault() || c.generated();
        ts.append("          ")
            .append(c.name())
            .append(optional ? "?: " : ": ")
            .append(c.generated() ? "never" : tsColumn(c))
            .append('\n');
      }
      ts.append("        }\n        Update: {\n");
      for (Column c : t.columns()) {
        ts.append("          ")
            .append(c.name())
            .append("?: ")
            .append(c.generated() ? "never" : tsColumn(c))
            .append('\n');
      }
      ts.append("        }\n");
      relationships(ts, t.foreignKeys());
      ts.append("      }\n");
    }
    ts.append("    }\n    Views: {\n");
    if (views.isEmpty()) {
      ts.append("      [_ in never]: never\n");
    }
    for (Relation v : views) {
      ts.append("      ").append(v.name()).append(": {\n        Row: {\n");
      for (Column c : v.columns()) {
        ts.append("          ").append(c.name()).append(": ").append(tsColumn(c)).append('\n');
      }
      ts.append("        }\n");
      relationships(ts, v.foreignKeys());
      ts.append("      }\n");
    }
    ts.append("    }\n    Functions: {\n");
    Map<String, List<Function>> byName = new LinkedHashMap<>();
    schema
        .functions()
        .forEach(f -> byName.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f));
    if (byName.isEmpty()) {
      ts.append("      [_ in never]: never\n");
    }
    for (var entry : byName.entrySet()) {
      List<Function> overloads = entry.getValue();
      ts.append("      ").append(entry.getKey()).append(":");
      if (overloads.size() == 1) {
        ts.append(" {\n");
        function(ts, overloads.getFirst(), "        ");
        ts.append("      }\n");
      } else {
        ts.append('\n');
        for (Function f : overloads) {
          ts.append("        | {\n");
          function(ts, f, "            ");
          ts.append("          }\n");
        }
      }
    }
    ts.append(
        """
            }
            Enums: {
              [_ in never]: never
            }
            CompositeTypes: {
              [_ in never]: never
            }
          }
        }
        """);
    return ts.toString();
  }

  private static void function(StringBuilder ts, Function f, String indent) {
    List<Argument> named = f.args().stream().filter(a -> !a.name().isEmpty()).toList();
    if (named.isEmpty()) {
      ts.append(indent).append("Args: never\n");
    } else {
      ts.append(indent).append("Args: {\n");
      for (Argument a : named) {
        ts.append(indent)
            .append("  ")
            .append(a.name())
            .append(a.optional() ? "?: " : ": ")
            .append(tsType(a.type()))
            .append('\n');
      }
      ts.append(indent).append("}\n");
    }
    String returns;
    if (!f.table().isEmpty()) {
      returns =
          "{\n"
              + f.table().stream()
                  .map(a -> indent + "  " + a.name() + ": " + tsType(a.type()))
                  .collect(Collectors.joining("\n"))
              + "\n"
              + indent
              + "}"
              + (f.returnsSet() ? "[]" : "");
    } else {
      returns = tsType(f.returns()) + (f.returnsSet() ? "[]" : "");
    }
    ts.append(indent).append("Returns: ").append(returns).append('\n');
  }

  private static void relationships(StringBuilder ts, List<ForeignKey> keys) {
    if (keys.isEmpty()) {
      ts.append("        Relationships: []\n");
      return;
    }
    ts.append("        Relationships: [\n");
    for (ForeignKey k : keys) {
      ts.append("          {\n")
          .append("            foreignKeyName: \"")
          .append(k.name())
          .append("\"\n")
          .append("            columns: ")
          .append(quoted(k.columns()))
          .append('\n')
          .append("            isOneToOne: ")
          .append(k.oneToOne())
          .append('\n')
          .append("            referencedRelation: \"")
          .append(k.referencedRelation())
          .append("\"\n")
          .append("            referencedColumns: ")
          .append(quoted(k.referencedColumns()))
          .append('\n')
          .append("          },\n");
    }
    ts.append("        ]\n");
  }

  private static String quoted(List<String> names) {
    return names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", ", "[", "]"));
  }

  private static String tsColumn(Column c) {
    return tsType(c.type()) + (c.nullable() ? " | null" : "");
  }

  static String javaType(Type type) {
    if (type == null) {
      return "Object";
    }
    if (type.isArray()) {
      return "java.util.List<" + javaType(new Type(type.element(), null)) + ">";
    }
    return switch (type.name()) {
      case "uuid" -> "java.util.UUID";
      case "int2", "int4" -> "Integer";
      case "int8" -> "Long";
      case "float4" -> "Float";
      case "float8" -> "Double";
      case "numeric" -> "java.math.BigDecimal";
      case "bool" -> "Boolean";
      case "timestamptz" -> "java.time.OffsetDateTime";
      case "timestamp" -> "java.time.LocalDateTime";
      case "date" -> "java.time.LocalDate";
      case "json", "jsonb" -> "com.fasterxml.jackson.databind.JsonNode";
      default -> "String";
    };
  }

  static String java(LiveSchema schema, String packageName, String className) {
    StringBuilder j = new StringBuilder();
    if (!packageName.isEmpty()) {
      j.append("package ").append(packageName).append(";\n\n");
    }
    j.append("import com.fasterxml.jackson.annotation.JsonProperty;\n\n")
        .append("/** Rows of the fleet's tables and views, generated by `casare-fleet setup types")
        .append(" --lang java` from the live schema. */\n")
        .append("public final class ")
        .append(className)
        .append(" {\n  private ")
        .append(className)
        .append("() {}\n");
    for (Relation r : schema.relations()) {
      j.append("\n  /** A row of {@code ")
          .append(r.name())
          .append(r.view() ? "} (view). */\n" : "}. */\n")
          .append("  public record ")
          .append(pascal(r.name()))
          .append("(");
      List<String> components = new ArrayList<>();
      for (Column c : r.columns()) {
        components.add(
            "\n      @JsonProperty(\""
                + c.name()
                + "\") "
                + javaType(c.type())
                + " "
                + camel(c.name()));
      }
      j.append(String.join(",", components)).append(") {}\n");
    }
    j.append("}\n");
    return j.toString();
  }

  static String pascal(String snake) {
    String c = camel(snake);
    return Character.toUpperCase(c.charAt(0)) + c.substring(1);
  }

  static String camel(String snake) {
    StringBuilder out = new StringBuilder();
    boolean up = false;
    for (char ch : snake.toCharArray()) {
      if (ch == '_') {
        up = out.length() > 0;
      } else {
        out.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    String s = out.toString();
    return switch (s) {
      case "default", "class", "package", "public", "private", "new", "static", "int", "long" ->
          s + "_";
      default -> s;
    };
  }
}
