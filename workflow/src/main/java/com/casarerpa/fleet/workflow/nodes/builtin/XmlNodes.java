package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.PythonJson;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import javax.xml.xpath.XPathFactoryConfigurationException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * ParseXML, XPathQuery, GetXMLElement, GetXMLAttribute, XMLToJson and JsonToXML with the JDK's XML
 * APIs. Parsing is hardened: secure processing on, DOCTYPE declarations refused, no external
 * entities, stylesheets or schemas (the original uses defusedxml for the same reason). Like the
 * original, ParseXML remembers the document (variable {@code _xml_root}, as text) and the other
 * nodes use it when they get no {@code xml_string}. The corpus' config keys {@code query}, {@code
 * path} and {@code attribute} are read as {@code xpath}, {@code tag_name} and {@code
 * attribute_name}, which is what their authors meant.
 */
final class XmlNodes {
  static final String LAST_XML = "_xml_root";
  static final String LAST_JSON = "_xml_json";

  private XmlNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("ParseXMLNode", c -> XmlNodes::parse),
        NodeType.of("XPathQueryNode", c -> XmlNodes::xpath),
        NodeType.of("GetXMLElementNode", c -> XmlNodes::element),
        NodeType.of("GetXMLAttributeNode", c -> XmlNodes::attribute),
        NodeType.of("XMLToJsonNode", c -> XmlNodes::toJson),
        NodeType.of("JsonToXMLNode", c -> XmlNodes::fromJson));
  }

  /** A parser that refuses DOCTYPEs (so no entity expansion, local or external). */
  static Document parseText(String xml, String nodeId) throws NodeException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      f.setNamespaceAware(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b.parse(new InputSource(new StringReader(xml)));
    } catch (SAXException e) {
      throw new NodeException(
          nodeId + ": not well-formed XML (DOCTYPEs and entities are refused): " + e.getMessage(),
          "ParseError",
          null);
    } catch (ParserConfigurationException | IOException e) {
      throw new NodeException(nodeId + ": cannot parse XML: " + e.getMessage(), "ParseError", null);
    }
  }

  /** {@code xml_string} (port or config), else the document ParseXML remembered. */
  private static Element root(NodeContext ctx) throws NodeException {
    String xml = ctx.string("xml_string", "");
    if (xml.isBlank()) {
      Object last = ctx.variable(LAST_XML);
      if (last == null) {
        throw new NodeException(
            ctx.nodeId() + ": no XML available; give xml_string or run a ParseXMLNode first",
            "ValueError",
            null);
      }
      xml = last.toString();
    }
    return parseText(xml, ctx.nodeId()).getDocumentElement();
  }

  private static NodeResult parse(NodeContext ctx) throws NodeException {
    String xml = ctx.string("xml_string", "");
    if (xml.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": xml_string is required", "ValueError", null);
    }
    Element root = parseText(xml, ctx.nodeId()).getDocumentElement();
    ctx.setVariable(LAST_XML, xml);
    ctx.output("root_tag", root.getTagName());
    ctx.output("root_text", ownText(root));
    ctx.output("child_count", (long) children(root).size());
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static NodeResult xpath(NodeContext ctx) throws NodeException {
    String query = ctx.string("xpath", ctx.string("query", ""));
    if (query.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": xpath is required", "ValueError", null);
    }
    Element root = root(ctx);
    NodeList found;
    try {
      XPathFactory xf = XPathFactory.newInstance();
      xf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      found = (NodeList) xf.newXPath().evaluate(query, root, XPathConstants.NODESET);
    } catch (XPathExpressionException | XPathFactoryConfigurationException e) {
      throw new NodeException(
          ctx.nodeId() + ": invalid XPath '" + query + "': " + rootMessage(e), "SyntaxError", null);
    }
    List<Object> results = new ArrayList<>();
    for (int i = 0; i < found.getLength(); i++) {
      Node n = found.item(i);
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("tag", n.getNodeName());
      item.put("text", n instanceof Element e ? ownText(e) : n.getNodeValue());
      item.put("attrib", n instanceof Element e ? attributes(e) : Map.of());
      item.put("tail", tail(n));
      results.add(item);
    }
    ctx.output("results", results);
    ctx.output("count", (long) results.size());
    ctx.output("first_text", results.isEmpty() ? "" : ((Map<?, ?>) results.getFirst()).get("text"));
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static NodeResult element(NodeContext ctx) throws NodeException {
    String tag = ctx.string("tag_name", ctx.string("path", ""));
    if (tag.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": tag_name is required", "ValueError", null);
    }
    long index = ctx.integer("index", 0);
    NodeList list = root(ctx).getElementsByTagName(tag);
    if (index >= 0 && index < list.getLength()) {
      Element e = (Element) list.item((int) index);
      ctx.output("tag", e.getTagName());
      ctx.output("text", ownText(e));
      ctx.output("attributes", attributes(e));
      ctx.output("child_count", (long) children(e).size());
      ctx.output("found", true);
    } else {
      ctx.output("tag", "");
      ctx.output("text", "");
      ctx.output("attributes", Map.of());
      ctx.output("child_count", 0L);
      ctx.output("found", false);
    }
    return NodeResult.next();
  }

  private static NodeResult attribute(NodeContext ctx) throws NodeException {
    String name = ctx.string("attribute_name", ctx.string("attribute", ""));
    if (name.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": attribute_name is required", "ValueError", null);
    }
    String path = ctx.string("xpath", ".");
    Element root = root(ctx);
    Node target;
    try {
      XPathFactory xf = XPathFactory.newInstance();
      xf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      target = (Node) xf.newXPath().evaluate(path, root, XPathConstants.NODE);
    } catch (XPathExpressionException | XPathFactoryConfigurationException e) {
      throw new NodeException(
          ctx.nodeId() + ": invalid XPath '" + path + "': " + rootMessage(e), "SyntaxError", null);
    }
    boolean found = target instanceof Element e && e.hasAttribute(name);
    ctx.output("value", found ? ((Element) target).getAttribute(name) : "");
    ctx.output("found", found);
    return NodeResult.next();
  }

  private static NodeResult toJson(NodeContext ctx) throws NodeException {
    boolean withAttributes = ctx.flag("include_attributes", true);
    String textKey = ctx.string("text_key", "#text");
    Element root = root(ctx);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(root.getTagName(), toValue(root, withAttributes, textKey));
    ctx.setVariable(LAST_JSON, json);
    ctx.output("json_data", json);
    ctx.output("json_string", PythonJson.dumps(json, 2, false, false));
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static Object toValue(Element e, boolean withAttributes, String textKey) {
    Map<String, Object> result = new LinkedHashMap<>();
    if (withAttributes && e.getAttributes().getLength() > 0) {
      result.put("@attributes", attributes(e));
    }
    String text = ownText(e).strip();
    List<Element> kids = children(e);
    if (!text.isEmpty()) {
      if (kids.isEmpty() && result.isEmpty()) {
        return text;
      }
      result.put(textKey, text);
    }
    for (Element child : kids) {
      Object value = toValue(child, withAttributes, textKey);
      Object old = result.get(child.getTagName());
      if (old == null && !result.containsKey(child.getTagName())) {
        result.put(child.getTagName(), value);
      } else if (old instanceof ArrayList<?> list) {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) list;
        l.add(value);
      } else {
        List<Object> l = new ArrayList<>();
        l.add(old);
        l.add(value);
        result.put(child.getTagName(), l);
      }
    }
    return result.isEmpty() ? "" : result;
  }

  private static NodeResult fromJson(NodeContext ctx) throws NodeException {
    Object data = ctx.param("json_data");
    if (data == null || "".equals(data)) {
      data = ctx.variable(LAST_JSON);
    }
    if (data == null) {
      throw new NodeException(
          ctx.nodeId() + ": json_data is required (or run an XMLToJsonNode first)",
          "ValueError",
          null);
    }
    if (data instanceof String s) {
      data = DictNodes.parse(s, ctx.nodeId());
    }
    String rootTag = ctx.string("root_tag", "root");
    boolean pretty = ctx.flag("pretty_print", true);
    try {
      Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
      Element root = doc.createElement(rootTag);
      doc.appendChild(root);
      fill(doc, root, data);
      Transformer t = TransformerFactory.newInstance().newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, pretty ? "no" : "yes");
      t.setOutputProperty(OutputKeys.INDENT, pretty ? "yes" : "no");
      t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
      StringWriter out = new StringWriter();
      t.transform(new DOMSource(doc), new StreamResult(out));
      String xml = out.toString();
      if (pretty) {
        xml =
            String.join(
                "\n", xml.lines().filter(l -> !l.isBlank()).map(String::stripTrailing).toList());
        xml =
            xml.replaceFirst("^<\\?xml [^>]*\\?>", "<?xml version=\"1.0\" ?>\n")
                .replace("\n\n", "\n");
      }
      ctx.output("xml_string", xml);
      ctx.output("success", true);
    } catch (ParserConfigurationException | TransformerException | org.w3c.dom.DOMException e) {
      throw new NodeException(
          ctx.nodeId() + ": cannot build XML: " + rootMessage(e), "ValueError", null);
    }
    return NodeResult.next();
  }

  private static void fill(Document doc, Element parent, Object data) {
    if (data instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> en : map.entrySet()) {
        String key = String.valueOf(en.getKey());
        Object value = en.getValue();
        if (key.equals("@attributes") && value instanceof Map<?, ?> attrs) {
          attrs.forEach((k, v) -> parent.setAttribute(String.valueOf(k), PythonText.str(v)));
        } else if (key.equals("#text")) {
          parent.setTextContent(PythonText.str(value));
        } else if (value instanceof List<?> list) {
          for (Object item : list) {
            Element child = doc.createElement(key);
            parent.appendChild(child);
            fill(doc, child, item);
          }
        } else {
          Element child = doc.createElement(key);
          parent.appendChild(child);
          fill(doc, child, value);
        }
      }
    } else if (data instanceof List<?> list) {
      for (Object item : list) {
        Element child = doc.createElement("item");
        parent.appendChild(child);
        fill(doc, child, item);
      }
    } else {
      parent.setTextContent(data == null ? "" : PythonText.str(data));
    }
  }

  /** Python's {@code elem.text}: the text before the first child element. */
  private static String ownText(Element e) {
    StringBuilder sb = new StringBuilder();
    for (Node n = e.getFirstChild(); n != null && !(n instanceof Element); n = n.getNextSibling()) {
      if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
        sb.append(n.getNodeValue());
      }
    }
    return sb.toString();
  }

  private static String tail(Node n) {
    StringBuilder sb = new StringBuilder();
    for (Node s = n.getNextSibling();
        s != null && !(s instanceof Element);
        s = s.getNextSibling()) {
      if (s.getNodeType() == Node.TEXT_NODE || s.getNodeType() == Node.CDATA_SECTION_NODE) {
        sb.append(s.getNodeValue());
      }
    }
    return sb.toString();
  }

  private static List<Element> children(Element e) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c) {
        out.add(c);
      }
    }
    return out;
  }

  private static Map<String, Object> attributes(Element e) {
    Map<String, Object> out = new LinkedHashMap<>();
    NamedNodeMap attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      Attr a = (Attr) attrs.item(i);
      out.put(a.getName(), a.getValue());
    }
    return out;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
