Attribute VB_Name = "XlreviewRibbon"
'xlreview ribbon callbacks: each button runs one Python entry point in xlreview.excel.macros
'through the standalone xlwings module embedded in this workbook.
Option Explicit

Private xlrRibbon As IRibbonUI

Public Sub XlrOnLoad(ribbon As IRibbonUI)
    Set xlrRibbon = ribbon
End Sub

Private Sub XlrRun(ByVal fn As String)
    RunPython "import xlreview.excel.macros as m; m." & fn & "()"
End Sub

Public Sub XlrImport(control As IRibbonControl)
    XlrRun "import_files"
End Sub

Public Sub XlrBuild(control As IRibbonControl)
    XlrRun "build_review"
End Sub

Public Sub XlrCheck(control As IRibbonControl)
    XlrRun "check_goals"
End Sub

Public Sub XlrPlan(control As IRibbonControl)
    XlrRun "make_plan"
End Sub

Public Sub XlrTrack(control As IRibbonControl)
    XlrRun "track_week"
End Sub

Public Sub XlrHelp(control As IRibbonControl)
    XlrRun "show_help"
End Sub

Public Sub XlrDeck(control As IRibbonControl)
    XlrRun "make_deck"
End Sub
