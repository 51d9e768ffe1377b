package com.casarerpa.fleet.workflow.nodes;

import java.util.List;
import java.util.Set;

/**
 * Recognises the original's browser (Playwright) and desktop (Windows UI, Office) node types, so
 * that a workflow using them is refused up front with "needs capability browser/desktop" rather
 * than "unknown node type". Besides the listed names, a few unambiguous words in the type name
 * (Browser, Desktop, Window, Excel, ...) mark it.
 */
final class Capabilities {
  private static final Set<String> BROWSER =
      Set.of(
          "LaunchBrowserNode",
          "CloseBrowserNode",
          "GoToURLNode",
          "GoBackNode",
          "GoForwardNode",
          "RefreshPageNode",
          "NewTabNode",
          "SwitchTabNode",
          "ClickElementNode",
          "TypeTextNode",
          "SelectDropdownNode",
          "ExtractTextNode",
          "GetAttributeNode",
          "ScreenshotNode",
          "WaitForElementNode",
          "WaitForNavigationNode",
          "TableScraperNode",
          "GetCurrentUrlNode",
          "GetPageSourceNode",
          "ScrollNode",
          "HoverElementNode",
          "UploadFileNode",
          "ExecuteJavaScriptNode",
          "BrowserRunScriptNode",
          "FormFillerNode");
  private static final Set<String> DESKTOP =
      Set.of(
          "LaunchApplicationNode",
          "CloseApplicationNode",
          "ActivateWindowNode",
          "FindElementNode",
          "ClickDesktopElementNode",
          "TypeDesktopTextNode",
          "SendKeysNode",
          "MouseClickNode",
          "MouseMoveNode",
          "KeyboardInputNode",
          "ExcelReadCellNode",
          "ExcelWriteCellNode",
          "ExcelOpenNode",
          "ExcelCloseNode",
          "WordOpenNode",
          "WordReplaceTextNode",
          "OutlookSendEmailNode",
          "OutlookReadEmailsNode",
          "OCRNode",
          "MessageBoxNode",
          "InputDialogNode",
          "ClipboardCopyNode",
          "ClipboardPasteNode",
          "ScreenCaptureNode",
          "RunPowerShellNode");
  private static final List<String> BROWSER_HINTS = List.of("Browser", "Playwright");
  private static final List<String> DESKTOP_HINTS =
      List.of(
          "Desktop",
          "Window",
          "Excel",
          "Outlook",
          "Mouse",
          "Keyboard",
          "Clipboard",
          "UIAutomation");

  private Capabilities() {}

  static String of(String type) {
    if (BROWSER.contains(type) || BROWSER_HINTS.stream().anyMatch(type::contains)) {
      return "browser";
    }
    if (DESKTOP.contains(type) || DESKTOP_HINTS.stream().anyMatch(type::contains)) {
      return "desktop";
    }
    return null;
  }
}
