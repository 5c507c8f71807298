"""Reading the markings on a weapon: text detection, line orientation and recognition, each its own stage.

The networks are PaddleOCR's, as the `rapidocr` package ships them in its wheel; they run through Basegun's own
`OnnxSession` (sha256-checked, loaded once) with the small pre- and post-processing each stage needs.
"""

from basegun.networks.ocr.reader import TextLine, TextReader

__all__ = ["TextLine", "TextReader"]
