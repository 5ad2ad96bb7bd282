#!/usr/bin/env python3
"""Writes openSMILE eGeMAPSv02 reference values for Sentio's Swift tests.

    python Scripts/reference/make_egemaps_reference.py     # a Python with requirements.txt installed

Writes to Fixtures/reference/egemaps/:
  functional-names.txt   the 88 eGeMAPSv02 functional names, in openSMILE's order (one per line)
  lld-names.txt          the 25 eGeMAPSv02 low-level-descriptor names, in openSMILE's order
  functionals.csv        file,<88 functionals> for each clip in CLIPS (opensmile FeatureSet.eGeMAPSv02,
                         FeatureLevel.Functionals, whole file), values as written by pandas (float32)
  lld-spectral.csv       the 10 spectral low-level descriptors (loudness ... mfcc4_sma3), every frame of
                         LLD_CLIP (FeatureLevel.LowLevelDescriptors), for frame-by-frame comparison
  lld-voice.csv          the 6 voice-source low-level descriptors (F0 ... logRelF0-H1-A3_sma3nz), every frame
                         of each clip in CLIPS, with a leading `file` column
  README.md              the opensmile version and the exact calls
Deterministic: openSMILE has no randomness; two runs give identical files.
"""
from pathlib import Path

import opensmile

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Fixtures" / "reference" / "egemaps"
CLIPS = ["speech-en.wav", "speech-en-2.wav", "speech-en-3.wav"]
LLD_CLIP = "speech-en.wav"
VOICE_LLDS = ["F0semitoneFrom27.5Hz_sma3nz", "jitterLocal_sma3nz", "shimmerLocaldB_sma3nz", "HNRdBACF_sma3nz",
              "logRelF0-H1-H2_sma3nz", "logRelF0-H1-A3_sma3nz"]
SPECTRAL_LLDS = ["Loudness_sma3", "alphaRatio_sma3", "hammarbergIndex_sma3", "slope0-500_sma3", "slope500-1500_sma3",
                 "spectralFlux_sma3", "mfcc1_sma3", "mfcc2_sma3", "mfcc3_sma3", "mfcc4_sma3"]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    functionals = opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02,
                                  feature_level=opensmile.FeatureLevel.Functionals)
    lld = opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02,
                          feature_level=opensmile.FeatureLevel.LowLevelDescriptors)
    (OUT / "functional-names.txt").write_text("\n".join(functionals.feature_names) + "\n")
    (OUT / "lld-names.txt").write_text("\n".join(lld.feature_names) + "\n")
    lines = [",".join(["file"] + functionals.feature_names)]
    for clip in CLIPS:
        frame = functionals.process_file(str(ROOT / "Fixtures" / "audio" / clip))
        lines.append(",".join([clip] + [repr(float(v)) for v in frame.iloc[0].values]))
    (OUT / "functionals.csv").write_text("\n".join(lines) + "\n")
    frames = lld.process_file(str(ROOT / "Fixtures" / "audio" / LLD_CLIP))
    rows = [",".join(SPECTRAL_LLDS)] + [",".join(repr(float(v)) for v in row) for row in frames[SPECTRAL_LLDS].values]
    (OUT / "lld-spectral.csv").write_text("\n".join(rows) + "\n")
    rows = [",".join(["file"] + VOICE_LLDS)]
    for clip in CLIPS:
        frames = lld.process_file(str(ROOT / "Fixtures" / "audio" / clip))
        rows += [",".join([clip] + [repr(float(v)) for v in row]) for row in frames[VOICE_LLDS].values]
    (OUT / "lld-voice.csv").write_text("\n".join(rows) + "\n")
    (OUT / "README.md").write_text(
        "# openSMILE eGeMAPSv02 reference\n\n"
        "Written by `Scripts/reference/make_egemaps_reference.py` with opensmile "
        f"{opensmile.__version__} (PyPI):\n\n"
        "```python\n"
        "opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02,\n"
        "                feature_level=opensmile.FeatureLevel.Functionals).process_file(clip)\n"
        "```\n\n"
        f"Clips (Fixtures/audio): {', '.join(CLIPS)}. `functional-names.txt` and `lld-names.txt` are\n"
        "`Smile.feature_names` for the functionals and the low-level descriptors. `lld-spectral.csv` holds the\n"
        f"spectral low-level descriptors of every frame of {LLD_CLIP} (`FeatureLevel.LowLevelDescriptors`), and\n"
        "`lld-voice.csv` the voice-source ones (F0, jitter, shimmer, HNR, H1-H2, H1-A3) of every frame of each clip.\n")


if __name__ == "__main__":
    main()
