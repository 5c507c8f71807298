"""End to end on CPU: fit a small network on drawn shapes, evaluate it, export it, serve it through `basegun`.

Also evaluates the reference typology model, as served, on the shared photos.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the training extra (torch, torchvision) is not installed")

from basegun.inference.imaging import Detail, decode  # noqa: E402
from basegun.inference.session import OnnxSession  # noqa: E402
from basegun.networks.served import Models  # noqa: E402
from basegun.networks.typology import TypologyClassifier  # noqa: E402
from basegun.settings import DEFAULT_MODELS_DIR, Settings  # noqa: E402
from training import fit as fit_module  # noqa: E402
from training.cli import main  # noqa: E402
from training.config import FitConfig  # noqa: E402
from training.predictors import TorchPredictor  # noqa: E402
from training.runs import Run, load_checkpoint  # noqa: E402
from training.samples import read_samples  # noqa: E402
from training.synthetic import SHAPES, write_shapes  # noqa: E402

pytestmark = pytest.mark.training

FIT = ["--size", "64", "--batch-size", "16", "--workers", "0", "--no-progress", "--seed", "3"]


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_shapes(tmp_path_factory.mktemp("shapes"), per_class=20)


@pytest.fixture(scope="module")
def run(shapes: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("runs") / "shapes"
    assert main(["fit", "--data", str(shapes), "--out", str(out), "--arch", "resnet18", "--epochs", "4", *FIT]) == 0
    return Run(out)


@pytest.fixture(scope="module")
def exported(run: Run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model")
    assert main(["export", "--run", str(run.root), "--out", str(out), "--int8", "--version", "0.1.0"]) == 0
    return out


def test_fit_writes_a_resolved_config_splits_and_plain_checkpoints(run: Run) -> None:
    config = json.loads(run.config_path.read_text(encoding="utf-8"))
    assert FitConfig.from_dict(config).to_dict() == config
    assert config["data"]["classes"] == sorted(SHAPES)
    assert config["data"]["preprocessing"]["size"] == 64
    splits = run.splits()
    assert [len(splits[name]) for name in ("train", "val", "test")] == [56, 12, 12]
    assert not {s.path for s in splits["test"]} & {s.path for s in splits["train"]}
    best = load_checkpoint(run.best)  # weights_only=True: plain tensors and numbers
    assert set(best) == {"model", "epoch", "val_top1", "val_loss"}
    assert {"optimizer", "scheduler", "rng", "epoch", "best", "stale"} <= set(load_checkpoint(run.last))
    with run.history.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 4
    calibration = run.calibration()
    assert calibration is not None
    assert calibration["photos"] == 12
    assert calibration["thresholds"]["confidence_medium"] <= calibration["thresholds"]["confidence_high"]
    assert json.loads(run.info_path.read_text(encoding="utf-8"))["git"]["commit"]


def test_evaluate_checkpoint_beats_chance_widely(run: Run, tmp_path: Path) -> None:
    report_dir = tmp_path / "report"
    assert main(["evaluate", "--model", str(run.root), "--data", str(run.splits_dir / "test.csv"),
                 "--out", str(report_dir)]) == 0  # fmt: skip
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    assert report["photos"] == 12
    assert report["top1"] >= 0.75  # chance is 0.25
    for name in ("confusion.csv", "confusion.png", "reliability.png", "per_class.csv", "predictions.csv"):
        assert (report_dir / name).stat().st_size > 0


def test_export_serves_through_basegun_with_pytorch_predictions(run: Run, exported: Path) -> None:
    manifest_path = exported / "typology.json"
    classifier = TypologyClassifier(OnnxSession.from_manifest_path(manifest_path))
    torch_model = TorchPredictor(run)
    samples = run.splits()["test"]
    images = [decode(s.path.read_bytes(), detail=classifier.detail).image for s in samples]
    served = np.stack([classifier.probabilities(image) for image in images])
    expected = torch_model.probabilities(images)
    assert np.abs(served - expected).max() <= 1e-4
    assert (served.argmax(1) == expected.argmax(1)).all()
    truth = np.array([sorted(SHAPES).index(s.label) for s in samples])
    assert (served.argmax(1) == truth).mean() >= 0.75


def test_export_manifest_follows_the_reference_schema(exported: Path) -> None:
    manifest = json.loads((exported / "typology.json").read_text(encoding="utf-8"))
    reference = json.loads((DEFAULT_MODELS_DIR / "typology.json").read_text(encoding="utf-8"))
    # The served reference's presence rule comes from `python -m benchmarks.accuracy`, not from training.
    assert set(reference) - {"thresholds_source", "parity", "provenance", "presence"} <= set(manifest)
    assert {"metrics", "data", "config", "calibration", "provenance"} <= set(manifest)
    assert manifest["input"]["shape"] == ["batch", 3, 64, 64]
    assert manifest["decoding"]["temperature_in_network"] == manifest["calibration"]["temperature"]
    assert manifest["metrics"]["test"]["photos"] == 12
    assert manifest["parity"]["max_abs_prob_delta"] <= 1e-4
    assert manifest["provenance"]["git"]["commit"]


def test_export_int8_is_written_only_within_one_point(exported: Path) -> None:
    fp32 = json.loads((exported / "typology.json").read_text(encoding="utf-8"))["metrics"]["test"]["top1"]
    int8_manifest = exported / "typology-int8.json"
    if int8_manifest.exists():
        change = json.loads(int8_manifest.read_text(encoding="utf-8"))["quantization"]["accuracy_change"]
        assert change["top1_fp32"] == fp32
        assert change["top1_drop"] <= 0.01
        TypologyClassifier(OnnxSession.from_manifest_path(int8_manifest))  # loads and checks its sha256
    else:
        assert not (exported / "typology-int8.onnx").exists()


def test_export_refuses_to_overwrite(run: Run, exported: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["export", "--run", str(run.root), "--out", str(exported)])
    assert stopped.value.code == 2


def test_setting_points_the_service_at_the_exported_model(exported: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASEGUN_TYPOLOGY_MANIFEST", str(exported / "typology.json"))
    models = Models.load(Settings())
    assert models.typology.classes == tuple(sorted(SHAPES))
    assert models.typology.session.manifest.version == "0.1.0"


def test_compare_finds_no_winner_between_a_checkpoint_and_its_export(run: Run, exported: Path, tmp_path: Path) -> None:
    assert main(["compare", "--a", str(run.best), "--b", str(exported / "typology.json"),
                 "--data", str(run.splits_dir / "test.csv"), "--out", str(tmp_path)]) == 0  # fmt: skip
    result = json.loads((tmp_path / "comparison.json").read_text(encoding="utf-8"))
    assert result["a"]["top1"] == result["b"]["top1"]
    assert result["mcnemar"]["only_a_correct"] == result["mcnemar"]["only_b_correct"] == 0
    assert result["verdict"].startswith("no clear winner")
    assert (tmp_path / "a" / "report.json").is_file()
    assert (tmp_path / "b" / "report.json").is_file()


def test_fit_resumed_after_an_interruption_ends_like_an_uninterrupted_run(
    shapes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = ["--data", str(shapes), "--arch", "squeezenet1_1", "--epochs", "2", *FIT, "--size", "48"]
    assert main(["fit", "--out", str(tmp_path / "straight"), *short]) == 0
    train_epoch = fit_module.Trainer._train_epoch

    def interrupted(self: fit_module.Trainer, epoch: int) -> tuple[float, float]:
        if epoch == 1:
            raise KeyboardInterrupt
        return train_epoch(self, epoch)

    monkeypatch.setattr(fit_module.Trainer, "_train_epoch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        main(["fit", "--out", str(tmp_path / "resumed"), *short])
    monkeypatch.setattr(fit_module.Trainer, "_train_epoch", train_epoch)
    assert main(["fit", "--out", str(tmp_path / "resumed"), "--resume"]) == 0
    straight = load_checkpoint(tmp_path / "straight" / "last.pt")["model"]
    resumed = load_checkpoint(tmp_path / "resumed" / "last.pt")["model"]
    assert all(torch.equal(straight[k], resumed[k]) for k in straight)


def test_evaluate_reference_manifest_on_the_shared_photos(
    photos: Path, labels: list[dict[str, str]], tmp_path: Path
) -> None:
    data = tmp_path / "typology"
    for row in labels:
        if row["kind"] == "typology":
            (data / row["expected"]).mkdir(parents=True, exist_ok=True)
            shutil.copy(photos / row["path"], data / row["expected"])
    assert len(read_samples(data)) == 12
    assert main(["evaluate", "--model", str(DEFAULT_MODELS_DIR / "typology.json"), "--data", str(data),
                 "--out", str(tmp_path / "report")]) == 0  # fmt: skip
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert (report["correct"], report["photos"]) == (12, 12)
    assert report["levels"]["high"]["count"] + report["levels"]["medium"]["count"] == 12


def test_decode_detail_is_the_models_input_size(run: Run) -> None:
    assert TorchPredictor(run).detail == Detail(min_short_side=64)


def test_init_reference_starts_from_the_served_network(photos: Path, reference_wheel: Path) -> None:
    from basegun.inference.preprocess import prepare_crop
    from training.config import ModelConfig
    from training.networks import Probabilities, init_from_reference

    served = TypologyClassifier(OnnxSession.from_manifest_path(DEFAULT_MODELS_DIR / "typology.json"))
    classes = served.classes
    image = decode((photos / "typology" / "revolver.jpg").read_bytes(), detail=served.detail).image
    tensor = prepare_crop(image, served.session.manifest.preprocessing)
    expected = served.session.run(tensor)[0]
    model, net = init_from_reference(ModelConfig(init_reference=str(reference_wheel)), classes)
    with torch.no_grad():
        assert np.abs(Probabilities(net.eval()).forward(torch.from_numpy(tensor)).numpy() - expected).max() <= 1e-4
        _, extended = init_from_reference(ModelConfig(init_reference=str(reference_wheel)), ("aucune_arme", *classes))
        logits = extended.eval()(torch.from_numpy(tensor))[0]
    assert np.abs(logits[1:].softmax(0).numpy() - expected[0]).max() <= 1e-4  # known classes keep their weights
    assert model.arch == "yolov8s-cls"
    assert model.yolo is not None
