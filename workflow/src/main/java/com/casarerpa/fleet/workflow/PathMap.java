package com.casarerpa.fleet.workflow;

import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a robot puts the Windows folders a workflow names. CasareRPA workflows are written on
 * Windows ({@code C:\temp\test.xlsx}); on a Linux robot such a path means nothing, so the robot's
 * operator maps folders: {@code C:\temp=/var/lib/casare-agent/files} (an absolute target: that
 * folder, which the mapping grants) or {@code C:\temp=temp} (a relative target: inside the job's
 * working folder). Entries are separated by {@code ;} or new lines; the longest matching prefix
 * wins; drive letters and names compare case-insensitively, {@code \} and {@code /} alike; a mapped
 * path may not leave its target with {@code ..}. UNC prefixes ({@code \\server\share}) work the
 * same way.
 *
 * <p>A Windows absolute path no entry covers is refused on a non-Windows robot: before the run when
 * a node's config names it, else when the node runs.
 */
public final class PathMap {
  /** No mappings: Windows paths are refused on a non-Windows robot. */
  public static final PathMap NONE = new PathMap(List.of(), "");

  /** True when this JVM runs on Windows, where such paths are the host's own. */
  public static final boolean WINDOWS_HOST = File.separatorChar == '\\';

  private static final Pattern WINDOWS_ABSOLUTE =
      Pattern.compile("(?s)(?:[A-Za-z]:[\\\\/]|[\\\\/]{2}[^\\\\/]+[\\\\/][^\\\\/]+).*");
  private static final Pattern SEPARATORS = Pattern.compile("[\\\\/]+");
  private static final String UNC = "\\\\";

  private final List<Entry> entries;
  private final String spec;

  /** One mapping: the Windows folder's segments (lower case) and the target as written. */
  private record Entry(List<String> prefix, String target) {}

  /** A mapped path: the target folder as configured and the segments below the mapped folder. */
  public record Mapped(String target, List<String> rest) {}

  private PathMap(List<Entry> entries, String spec) {
    this.entries = entries;
    this.spec = spec;
  }

  /**
   * Parses {@code C:\temp=/srv/files;D:\in=inbox}. Blank means {@link #NONE}.
   *
   * @throws IllegalArgumentException naming the entry that is not {@code WINDOWS_FOLDER=TARGET}
   */
  public static PathMap parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    List<Entry> entries = new ArrayList<>();
    for (String raw : spec.split("[;\\n]")) {
      String item = raw.strip();
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.indexOf('=');
      String from = eq < 0 ? item : item.substring(0, eq).strip();
      String to = eq < 0 ? "" : item.substring(eq + 1).strip();
      if (eq < 0 || to.isEmpty() || !isWindowsAbsolute(from + "\\")) {
        throw new IllegalArgumentException(
            "path map entry '"
                + item
                + "' is not WINDOWS_FOLDER=TARGET; write e.g. C:\\temp=/var/lib/casare-agent/files"
                + " (entries separated by ';')");
      }
      entries.add(new Entry(lowerCase(segments(from)), to));
    }
    entries.sort(Comparator.comparingInt((Entry e) -> e.prefix().size()).reversed());
    return new PathMap(List.copyOf(entries), spec.strip());
  }

  /** {@code C:\...}, {@code C:/...} or {@code \\server\share...}. */
  public static boolean isWindowsAbsolute(String path) {
    return path != null && WINDOWS_ABSOLUTE.matcher(path).matches();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The entry covering {@code windowsPath} (longest prefix), or empty. */
  public Optional<Mapped> map(String windowsPath) {
    if (!isWindowsAbsolute(windowsPath)) {
      return Optional.empty();
    }
    List<String> segments = segments(windowsPath);
    List<String> lower = lowerCase(segments);
    for (Entry e : entries) {
      if (lower.size() >= e.prefix().size()
          && lower.subList(0, e.prefix().size()).equals(e.prefix())) {
        return Optional.of(
            new Mapped(e.target(), List.copyOf(segments.subList(e.prefix().size(), lower.size()))));
      }
    }
    return Optional.empty();
  }

  /**
   * What to tell the user about an unmapped Windows path: the folder to map and the settings that
   * map it.
   */
  public static String advice(String windowsPath) {
    List<String> segments = segments(windowsPath);
    int keep = segments.size();
    if (keep > 2 && segments.getLast().contains(".")) {
      keep--; // a file name: map its folder
    }
    String folder = join(segments.subList(0, keep));
    return "map its folder on the robot, e.g. CASARE_PATH_MAP='"
        + folder
        + "=/var/lib/casare-agent/files' (engine option pathMap, workflow CLI --path-map), or use"
        + " a path relative to the job's working folder";
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    String rest = path;
    if (path.length() > 1 && isSeparator(path.charAt(0)) && isSeparator(path.charAt(1))) {
      out.add(UNC);
      rest = path.substring(2);
    }
    for (String s : SEPARATORS.split(rest)) {
      if (!s.isEmpty() && !s.equals(".")) {
        out.add(s);
      }
    }
    return out;
  }

  private static List<String> lowerCase(List<String> segments) {
    return segments.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }

  private static String join(List<String> segments) {
    if (!segments.isEmpty() && segments.getFirst().equals(UNC)) {
      return UNC + String.join("\\", segments.subList(1, segments.size()));
    }
    return segments.size() == 1 ? segments.getFirst() + "\\" : String.join("\\", segments);
  }

  private static boolean isSeparator(char c) {
    return c == '\\' || c == '/';
  }

  @Override
  public String toString() {
    return spec.isEmpty() ? "(no path map)" : spec;
  }
}
