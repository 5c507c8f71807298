"""Read an Ultralytics checkpoint without Ultralytics: a restricted unpickler that keeps only tensors and plain data.

The checkpoint pickles whole Python objects (modules, losses, trainer settings). Only torch's tensor-rebuild functions
and a few builtins are resolved; every other class becomes an inert `Opaque` record, so nothing from the file runs.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

_ALLOWED = {
    ("collections", "OrderedDict"): OrderedDict,
    ("builtins", "set"): set,
    ("__builtin__", "set"): set,
    ("torch._utils", "_rebuild_tensor_v2"): torch._utils._rebuild_tensor_v2,
    ("torch._utils", "_rebuild_parameter"): torch._utils._rebuild_parameter,
    ("torch", "Size"): torch.Size,
    ("torch", "device"): torch.device,
}
# The legacy storage classes a checkpoint names, as the dtype they stand for (their own `.dtype` warns).
_STORAGE_DTYPES = {
    "FloatStorage": torch.float32,
    "HalfStorage": torch.float16,
    "DoubleStorage": torch.float64,
    "LongStorage": torch.int64,
    "IntStorage": torch.int32,
    "BoolStorage": torch.bool,
}


class Opaque:
    """Stands in for any class the checkpoint names: it stores what the pickle sets and nothing else."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple) and len(state) == 2:  # (dict state, slot state)
            state = {**(state[0] or {}), **(state[1] or {})}
        if isinstance(state, dict):
            self.__dict__.update(state)


def _opaque_class(module: str, name: str) -> type:
    return type(name, (Opaque,), {"__module__": f"opaque.{module}"})


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file: Any, archive: zipfile.ZipFile, prefix: str) -> None:
        super().__init__(file)
        self._archive = archive
        self._prefix = prefix

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return _ALLOWED[(module, name)]
        if module == "torch" and name in _STORAGE_DTYPES:
            return _STORAGE_DTYPES[name]
        if (module, name) == ("__builtin__", "getattr") or (module, name) == ("builtins", "getattr"):
            return _safe_getattr
        return _opaque_class(module, name)

    def persistent_load(self, pid: Any) -> Any:
        # ('storage', dtype (from find_class), key, location, numel)
        _, dtype, key, _location, _numel = pid
        raw = self._archive.read(f"{self._prefix}/data/{key}")
        storage = torch.UntypedStorage.from_buffer(raw, byte_order="little", dtype=torch.uint8)
        return torch.storage.TypedStorage(wrap_storage=storage, dtype=dtype, _internal=True)


def _safe_getattr(obj: Any, name: str) -> Any:
    """Only torch's own attributes may be looked up (the checkpoint uses it for dtypes)."""
    if obj is torch or isinstance(obj, torch.dtype):
        return getattr(obj, name)
    return None


@dataclass
class Checkpoint:
    """What an Ultralytics checkpoint holds that Basegun uses."""

    state_dict: dict[str, torch.Tensor]
    config: dict[str, Any]  # the network's YAML description
    names: list[str]
    train_args: dict[str, Any]
    attributes: dict[str, Any]  # plain-data attributes of the model object (stride, kpt_shape...)
    bn_eps: float  # batch-norm epsilon: it differs between Ultralytics releases and changes the outputs
    ultralytics_version: str


def _collect_tensors(module: Any, prefix: str, out: dict[str, torch.Tensor]) -> None:
    state = module.__dict__
    for key in ("_parameters", "_buffers"):
        for name, tensor in (state.get(key) or {}).items():
            if tensor is not None:
                out[f"{prefix}{name}"] = tensor.detach().clone()
    for name, child in (state.get("_modules") or {}).items():
        if child is not None:
            _collect_tensors(child, f"{prefix}{name}.", out)


def _batchnorm_eps(module: Any) -> set[float]:
    state = module.__dict__
    found = {state["eps"]} if type(module).__name__ == "BatchNorm2d" else set()
    for child in (state.get("_modules") or {}).values():
        if child is not None:
            found |= _batchnorm_eps(child)
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, torch.Tensor):
        return value.tolist()
    if isinstance(value, Opaque):
        return {k: _plain(v) for k, v in value.__dict__.items() if not k.startswith("_")}
    return repr(value)


def read_checkpoint(source: Path | bytes) -> Checkpoint:
    """Read an Ultralytics `.pt` file (a path or its bytes): tensors and plain metadata, running none of its code."""
    with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
        pkl_name = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
        prefix = pkl_name.rsplit("/", 1)[0]
        with archive.open(pkl_name) as handle:
            content = _RestrictedUnpickler(handle, archive, prefix).load()
    model = content.get("ema") or content["model"]
    tensors: dict[str, torch.Tensor] = {}
    _collect_tensors(model, "", tensors)
    attrs = {k: _plain(v) for k, v in model.__dict__.items() if not k.startswith("_")}
    names = attrs.get("names")
    if isinstance(names, dict):
        names = [names[str(i)] if str(i) in names else names[i] for i in range(len(names))]
    eps = _batchnorm_eps(model)
    if len(eps) != 1:
        raise ValueError(f"checkpoint: expected one batch-norm epsilon, found {sorted(eps)}")
    return Checkpoint(
        state_dict=tensors,
        config=attrs.get("yaml") or {},
        names=list(names or []),
        train_args=_plain(content.get("train_args") or {}),
        attributes={k: v for k, v in attrs.items() if k not in ("yaml", "names")},
        bn_eps=eps.pop(),
        ultralytics_version=str(content.get("version", "unknown")),
    )
