"""Accessible bar charts, drawn on the server as SVG: no script, no CDN. A chart is a
picture of the table beside it; its bars carry their values as text, and the chart names
itself for screen readers, which read the table."""

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 22
GAP = 10


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    text_x: float
    below_target: bool


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    target_x: float | None
    target_label: str
    width: int = WIDTH


def bar_chart(
    title: str, values: list[tuple[str, float | None]], *, target: float | None = None
) -> BarChart:
    """Horizontal bars, one for each (label, value); a value of None draws no bar. With a
    target, bars below it are marked and a line shows it."""
    drawn = [v for _, v in values if v is not None]
    top = max([*drawn, target or 0, 1])
    scale = (WIDTH - LABEL_WIDTH - 60) / top
    bars = []
    for index, (label, value) in enumerate(values):
        width = (value or 0) * scale
        y = GAP + index * (BAR_HEIGHT + GAP)
        bars.append(
            Bar(
                label=label,
                value=value if value is not None else 0,
                x=LABEL_WIDTH,
                y=y,
                width=round(width, 1),
                text_x=round(LABEL_WIDTH + width + 6, 1),
                below_target=target is not None and value is not None and value < target,
            )
        )
    height = GAP + len(values) * (BAR_HEIGHT + GAP) + 24
    target_x = round(LABEL_WIDTH + target * scale, 1) if target is not None else None
    return BarChart(
        title=title,
        bars=bars,
        height=height,
        target_x=target_x,
        target_label=f"Target {target:g}" if target is not None else "",
    )
