package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.Database;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code setup types}: typed definitions read from the live schema. */
@Command(
    name = "types",
    mixinStandardHelpOptions = true,
    description = {
      "Typed definitions of the tables, views and RPCs of schema public, read from the live"
          + " database: TypeScript in the shape `supabase gen types typescript` writes, or Java"
          + " records (tables and views)."
    })
public final class TypesCommand implements Callable<Integer> {
  enum Lang {
    typescript,
    java
  }

  @Spec CommandSpec spec;

  @Option(names = "--lang", defaultValue = "typescript", description = "typescript | java")
  Lang lang;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "write here (default: stdout)")
  Path out;

  @Option(
      names = "--package",
      defaultValue = "casare.fleet.types",
      description = "Java package (--lang java)")
  String packageName;

  @Override
  public Integer call() {
    FleetMain root = FleetMain.of(spec);
    Settings.DatabaseTarget target = root.settings().database();
    DataSource ds = Database.dataSource(target);
    LiveSchema schema;
    try (Connection c = Database.connect(ds, target)) {
      schema = LiveSchema.read(c);
    } catch (SQLException e) {
      throw CliException.failure("reading the schema: " + e.getMessage());
    }
    String className =
        out == null ? "FleetTypes" : out.getFileName().toString().replaceFirst("\\.java$", "");
    String text =
        lang == Lang.typescript
            ? TypeWriters.typescript(schema)
            : TypeWriters.java(schema, packageName, className);
    if (out == null) {
      root.env().out().print(text);
      root.env().out().flush();
    } else {
      Path file = root.env().resolve(out);
      try {
        Files.writeString(file, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw CliException.failure("cannot write " + file + ": " + e.getMessage());
      }
      root.env()
          .err()
          .println(
              "Wrote "
                  + file
                  + " ("
                  + schema.relations().size()
                  + " tables and views, "
                  + schema.functions().size()
                  + " functions)");
      root.env().err().flush();
    }
    return CliException.OK;
  }
}
