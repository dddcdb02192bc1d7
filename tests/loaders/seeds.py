"""The seed reports as lists of non-empty, stripped lines: what every format should give back."""
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed_lines(name: str) -> list[str]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.split("\n") if line.strip()]


NO_TITLE = "000_4e8d029ddc923378.txt"      # 加勤乡 (索县): starts with its opening paragraph
TWO_LINE_TITLE = "004_913615f662c886fc.txt"  # 安多县色务乡: title broken over two lines
ALL = sorted(p.name for p in SEEDS.glob("*.txt"))
