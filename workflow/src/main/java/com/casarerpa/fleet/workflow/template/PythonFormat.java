package com.casarerpa.fleet.workflow.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python {@code str.format(**kwargs)} for named fields: {@code {name}}, {@code {a.b}}, {@code
 * {name!r}}, {@code {x:>8.2f}} and {@code {{ }}} escapes. Anything Python would raise on (a missing
 * name, positional fields, a bad spec) throws {@link IllegalArgumentException}.
 */
public final class PythonFormat {
  private static final Pattern SPEC =
      Pattern.compile(
          "(?:(.)?([<>^=]))?([+\\- ])?(0)?(\\d{1,9})?(,)?(?:\\.(\\d{1,4}))?([sdfFeE%gG])?");

  private static final int MAX_WIDTH = 10_000;

  private PythonFormat() {}

  public static String format(String template, Map<String, Object> args) {
    StringBuilder out = new StringBuilder(template.length() + 16);
    Scope scope = name -> args.containsKey(name) ? args.get(name) : Scope.MISSING;
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
        out.append('{');
        i += 2;
      } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
        out.append('}');
        i += 2;
      } else if (c == '{') {
        int close = template.indexOf('}', i);
        if (close < 0) {
          throw new IllegalArgumentException("Single '{' encountered in format string");
        }
        out.append(field(template.substring(i + 1, close), scope));
        i = close + 1;
      } else if (c == '}') {
        throw new IllegalArgumentException("Single '}' encountered in format string");
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String field(String field, Scope scope) {
    String spec = "";
    int colon = field.indexOf(':');
    if (colon >= 0) {
      spec = field.substring(colon + 1);
      field = field.substring(0, colon);
    }
    char conversion = 's';
    int bang = field.indexOf('!');
    if (bang >= 0) {
      String conv = field.substring(bang + 1);
      if (!conv.equals("r") && !conv.equals("s") && !conv.equals("a")) {
        throw new IllegalArgumentException("Unknown conversion specifier " + conv);
      }
      conversion = conv.charAt(0);
      field = field.substring(0, bang);
    }
    if (field.isEmpty() || Character.isDigit(field.charAt(0))) {
      throw new IllegalArgumentException("positional field {" + field + "} has no argument");
    }
    ValuePath path = ValuePath.parse(field);
    Object value = path == null ? Scope.MISSING : path.resolve(scope);
    if (value == Scope.MISSING) {
      throw new IllegalArgumentException("KeyError: '" + field + "'");
    }
    if (conversion != 's') {
      value = PythonText.repr(value);
    }
    return applySpec(value, spec);
  }

  private static String applySpec(Object value, String spec) {
    if (spec.isEmpty()) {
      return PythonText.str(value);
    }
    Matcher m = SPEC.matcher(spec);
    if (!m.matches()) {
      throw new IllegalArgumentException("Invalid format specifier '" + spec + "'");
    }
    String type = m.group(8);
    String body = body(value, type, m.group(7), m.group(6) != null, m.group(3));
    int width = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
    if (width > MAX_WIDTH) {
      throw new IllegalArgumentException("format width " + width + " is over " + MAX_WIDTH);
    }
    char fill = m.group(1) != null ? m.group(1).charAt(0) : (m.group(4) != null ? '0' : ' ');
    char align =
        m.group(2) != null
            ? m.group(2).charAt(0)
            : (value instanceof Number && !(value instanceof String) ? '>' : '<');
    if (m.group(4) != null && m.group(2) == null) {
      align = '=';
    }
    return pad(body, width, fill, align);
  }

  private static String body(
      Object value, String type, String precision, boolean comma, String sign) {
    if (type == null && !(value instanceof Number)) {
      String s = PythonText.str(value);
      return precision == null
          ? s
          : s.substring(0, Math.min(s.length(), Integer.parseInt(precision)));
    }
    if (type != null && type.equals("s")) {
      if (!(value instanceof String)) {
        throw new IllegalArgumentException(
            "Unknown format code 's' for object of type '"
                + value.getClass().getSimpleName()
                + "'");
      }
      return precision == null
          ? (String) value
          : ((String) value)
              .substring(0, Math.min(((String) value).length(), Integer.parseInt(precision)));
    }
    if (!(value instanceof Number n) || value instanceof Boolean) {
      throw new IllegalArgumentException(
          "Unknown format code '" + type + "' for object of type 'str'");
    }
    String out;
    if (type == null) {
      out = n instanceof Double d ? PythonText.floatRepr(d) : n.toString();
      if (comma) {
        out = groupInteger(out);
      }
    } else if (type.equals("d")) {
      if (n instanceof Double) {
        throw new IllegalArgumentException("Unknown format code 'd' for object of type 'float'");
      }
      out = comma ? groupInteger(n.toString()) : n.toString();
    } else if (type.equals("%")) {
      out = fixed(n.doubleValue() * 100, precision, comma) + "%";
    } else if (type.equalsIgnoreCase("f")) {
      out = fixed(n.doubleValue(), precision, comma);
    } else if (type.equalsIgnoreCase("e")) {
      out =
          String.format(
              "%."
                  + (precision == null ? 6 : Integer.parseInt(precision))
                  + (type.equals("e") ? "e" : "E"),
              n.doubleValue());
    } else {
      out =
          String.format(
              "%." + (precision == null ? 6 : Math.max(1, Integer.parseInt(precision))) + "g",
              n.doubleValue());
    }
    if (sign != null && !out.startsWith("-")) {
      out = (sign.equals("+") ? "+" : sign.equals(" ") ? " " : "") + out;
    }
    return out;
  }

  private static String fixed(double d, String precision, boolean comma) {
    int p = precision == null ? 6 : Integer.parseInt(precision);
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return PythonText.floatRepr(d);
    }
    String s = new BigDecimal(d).setScale(p, RoundingMode.HALF_EVEN).toPlainString();
    if (!comma) {
      return s;
    }
    int dot = s.indexOf('.');
    return groupInteger(dot < 0 ? s : s.substring(0, dot)) + (dot < 0 ? "" : s.substring(dot));
  }

  private static String groupInteger(String digits) {
    boolean negative = digits.startsWith("-");
    String d = negative ? digits.substring(1) : digits;
    int dot = d.indexOf('.');
    String intPart = dot < 0 ? d : d.substring(0, dot);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < intPart.length(); i++) {
      if (i > 0 && (intPart.length() - i) % 3 == 0) {
        out.append(',');
      }
      out.append(intPart.charAt(i));
    }
    return (negative ? "-" : "") + out + (dot < 0 ? "" : d.substring(dot));
  }

  private static String pad(String s, int width, char fill, char align) {
    int missing = width - s.length();
    if (missing <= 0) {
      return s;
    }
    String f = String.valueOf(fill);
    return switch (align) {
      case '<' -> s + f.repeat(missing);
      case '^' -> f.repeat(missing / 2) + s + f.repeat(missing - missing / 2);
      case '=' -> {
        boolean signed = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+');
        yield signed ? s.charAt(0) + f.repeat(missing) + s.substring(1) : f.repeat(missing) + s;
      }
      default -> f.repeat(missing) + s;
    };
  }
}
