package com.casarerpa.fleet.migrate;

/**
 * One statement of a migration file, as the Supabase CLI splits it.
 *
 * @param text the statement, trimmed, without its final semicolon (comments before it included)
 * @param line the 1-based line of the file where {@code text} starts
 */
public record SqlStatement(String text, int line) {
  /** The file line of a 1-based character {@code position} inside {@link #text()}. */
  public int lineOf(int position) {
    int l = line;
    for (int i = 0; i < Math.min(position - 1, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        l++;
      }
    }
    return l;
  }
}
