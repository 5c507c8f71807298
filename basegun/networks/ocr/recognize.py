"""Text recognition: one line image in, its characters and a confidence out (CTC greedy decoding).

The network scores every character of its alphabet at each horizontal step; the best one per step is kept,
repeats are merged and blanks dropped. The alphabet is the model's own, read from the ONNX file's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from basegun.errors import ModelUnavailable
from basegun.inference.session import OnnxSession
from basegun.networks.ocr.lines import fixed_height_batch


@dataclass(frozen=True)
class Recognised:
    text: str
    confidence: float  # the mean probability of the characters kept; 0 when none


class LineRecogniser:
    """Owns the recognition network; input height, alphabet and batch size come from its manifest and model."""

    def __init__(self, session: OnnxSession) -> None:
        manifest = session.manifest
        decoding = manifest.decoding
        if manifest.task != "text_recognition" or decoding.get("kind") != "ctc_greedy":
            raise ModelUnavailable(f"{manifest.path}: not a text recognition manifest with 'ctc_greedy' decoding")
        characters = session.metadata.get(decoding["characters_metadata_key"])
        if not characters:
            raise ModelUnavailable(f"{manifest.onnx_path}: no character list in the model's metadata")
        alphabet = characters.splitlines()
        if decoding.get("append_space", False):
            alphabet.append(" ")
        alphabet.insert(int(decoding["blank_index"]), "")
        self.session = session
        self.prep = manifest.preprocessing
        self.alphabet = alphabet
        self.blank = int(decoding["blank_index"])
        self.batch_size = int(decoding.get("batch_size", 6))

    def recognise(self, crops: list[np.ndarray]) -> list[Recognised]:
        """Read each line; lines of similar width are batched together so that little padding is computed."""
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        results: dict[int, Recognised] = {}
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            scores = self.session.run(fixed_height_batch([crops[i] for i in chunk], self.prep))[0]
            for index, steps in zip(chunk, scores, strict=True):
                results[index] = self.decode(steps)
        return [results[i] for i in range(len(crops))]

    def decode(self, steps: np.ndarray) -> Recognised:
        """Greedy CTC: best class per step, repeats merged, blanks dropped."""
        best = steps.argmax(axis=1)
        keep = best != self.blank
        keep[1:] &= best[1:] != best[:-1]
        if not keep.any():
            return Recognised("", 0.0)
        text = "".join(self.alphabet[i] for i in best[keep])
        return Recognised(text, float(steps.max(axis=1)[keep].mean()))
