package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.operator.CliException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the {@code .env} of {@code setup init}/{@code quickstart} with the seed's variable names
 * (reference §1.16), readable by its owner only (mode 600), never over an existing file unless
 * told.
 */
final class EnvFile {
  private EnvFile() {}

  /** What goes into the file. */
  record Values(
      String projectRef,
      String url,
      String anonKey,
      String serviceKey,
      String dbPassword,
      String databaseUrl,
      String poolerHost) {}

  static Map<String, String> lines(Values v) {
    Map<String, String> lines = new LinkedHashMap<>();
    String url = v.url() != null ? v.url() : "https://" + v.projectRef() + ".supabase.co";
    lines.put("SUPABASE_URL", url);
    lines.put("SUPABASE_PROJECT_REF", nullToEmpty(v.projectRef()));
    lines.put("SUPABASE_ANON_KEY", nullToEmpty(v.anonKey()));
    lines.put("SUPABASE_SERVICE_KEY", nullToEmpty(v.serviceKey()));
    lines.put("SUPABASE_DB_PASSWORD", nullToEmpty(v.dbPassword()));
    lines.put("DATABASE_URL", databaseUrl(v));
    lines.put("ROBOT_NAME", "Robot-" + hostname());
    lines.put("ROBOT_API_KEY", "");
    lines.put("ROBOT_ENVIRONMENT", "production");
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    lines.put("API_SECRET", HexFormat.of().formatHex(secret));
    lines.put("HOST", "0.0.0.0");
    lines.put("PORT", "8000");
    lines.put("LOG_LEVEL", "INFO");
    return lines;
  }

  /**
   * {@code DATABASE_URL}: as given; else through the pooler host when given (transaction mode, port
   * 6543, user {@code postgres.<ref>}); else the project's direct database host.
   */
  static String databaseUrl(Values v) {
    if (v.databaseUrl() != null) {
      return v.databaseUrl();
    }
    if (v.dbPassword() == null || v.dbPassword().isEmpty() || v.projectRef() == null) {
      return "";
    }
    String pw = URLEncoder.encode(v.dbPassword(), StandardCharsets.UTF_8);
    if (v.poolerHost() != null) {
      return "postgresql://postgres."
          + v.projectRef()
          + ":"
          + pw
          + "@"
          + v.poolerHost()
          + ":6543/postgres?sslmode=require";
    }
    return "postgresql://postgres:"
        + pw
        + "@db."
        + v.projectRef()
        + ".supabase.co:5432/postgres?sslmode=require";
  }

  static void write(Path file, Map<String, String> lines, boolean force) {
    StringBuilder text =
        new StringBuilder(
            "# CasareRPA fleet operator settings (casare-fleet setup init). Keep secret: mode"
                + " 600.\n");
    lines.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(tmp);
      }
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      if (force) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        try {
          Files.createLink(file, tmp);
        } catch (UnsupportedOperationException e) {
          Files.move(tmp, file);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
    } catch (FileAlreadyExistsException e) {
      throw CliException.config(file + " already exists: pass --force to replace it");
    } catch (IOException e) {
      throw CliException.failure("cannot write " + file + ": " + e.getMessage());
    }
  }

  static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "host";
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
