package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.NodeType;
import java.util.ArrayList;
import java.util.List;

/** The built-in headless node library, with the original's names and config keys. */
public final class BuiltinNodes {
  private BuiltinNodes() {}

  public static List<NodeType> all() {
    List<NodeType> all = new ArrayList<>();
    all.addAll(ControlFlowTypes.all());
    all.addAll(BasicNodes.all());
    all.addAll(VariableNodes.all());
    all.addAll(MathNodes.all());
    all.addAll(TextNodes.all());
    all.addAll(TextSearchNodes.all());
    all.addAll(RandomNodes.all());
    all.addAll(UtilityNodes.all());
    all.addAll(ListNodes.all());
    all.addAll(DictNodes.all());
    all.addAll(DateTimeNodes.all());
    all.addAll(FileNodes.all());
    all.addAll(HttpNodes.all());
    all.addAll(SystemNodes.all());
    all.addAll(TriggerNodes.all());
    all.addAll(XmlNodes.all());
    all.addAll(DataNodes.all());
    all.addAll(DocumentNodes.all());
    all.addAll(FtpNodes.all());
    all.addAll(EmailNodes.all());
    all.addAll(MessagingNodes.all());
    all.addAll(GoogleNodes.all());
    return all;
  }
}
