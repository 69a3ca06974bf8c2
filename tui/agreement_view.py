"""`factdesk agreement` without --json: the report as Rich tables, the
confusion matrices shaded (green on the diagonal, red off it)."""

from __future__ import annotations

from corpus.text import visible


def show_agreement(report) -> None:
    """The report as Rich tables; every outside string is plain Text (never markup), made visible."""
    from rich.color import Color
    from rich.console import Console
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

    def num(v) -> Text:
        return Text("n/a", style="dim") if v is None else Text(f"{v:.3f}")

    def txt(value, limit: int = 40) -> Text:
        return Text(visible(value, limit))

    console = Console(highlight=False)
    console.print(Text(f"Agreement by {report.by}: " + ", ".join(visible(a, 60) for a in report.annotators)))
    c = report.claims
    spans = Table(title=Text(f"Claims: {c.units} article(s) compared, {c.matched} claim(s) matched"))
    spans.add_column("")
    for p in c.pairs:
        spans.add_column(txt(f"{visible(p.a, 30)} / {visible(p.b, 30)}", 64), justify="right")
    if len(c.pairs) > 1:
        spans.add_column(Text("mean"), justify="right")
    rows = (("articles", "articles", None), ("claims", None, None), ("exact matches", "exact", None),
            ("overlap matches", "overlap", None), ("F1 exact", "exact_f1", "exact_f1"),
            ("F1 overlap", "overlap_f1", "overlap_f1"), ("sentences", "sentences", None),
            ("sentence κ", "sentence_kappa", "sentence_kappa"))
    for label, attr, mean in rows:
        cells = [Text(f"{p.claims_a} / {p.claims_b}") if attr is None else
                 (num(getattr(p, attr)) if mean else Text(str(getattr(p, attr)))) for p in c.pairs]
        if len(c.pairs) > 1:
            cells.append(num(getattr(c, mean)) if mean else Text(""))
        spans.add_row(Text(label), *cells)
    console.print(spans)
    labels = Table(title=Text("Labels"), caption=Text("n/a: does not apply or undefined; α ordinal for "
                                                       "reliability, nominal otherwise"))
    for head in ("task", "units", "percent", "Cohen κ", "Fleiss κ", "Kripp. α", "AC1"):
        labels.add_column(Text(head), justify="left" if head == "task" else "right", no_wrap=True)
    for name, r in report.labels.items():
        labels.add_row(Text(name), str(r.units), num(r.percent), num(r.cohen_kappa), num(r.fleiss_kappa),
                       num(r.krippendorff_alpha), num(r.gwet_ac1))
    console.print(labels)
    first, second = (report.annotators + ["", ""])[:2]
    for name, r in report.labels.items():
        used = [a for a in r.labels
                if sum(r.confusion.get(a, {}).values()) or sum(row.get(a, 0) for row in r.confusion.values())]
        if not used:
            continue
        rows_are = (f"rows {visible(first, 30)}, columns {visible(second, 30)}" if len(report.annotators) == 2
                    else "every pair of annotators")
        table = Table(title=Text(f"{name}: confusion ({rows_are})"))
        table.add_column("")
        for label in used:
            table.add_column(txt(label, 16), justify="right")
        top = max(max(row.values()) for row in r.confusion.values()) or 1
        for a in used:
            cells = []
            for b in used:
                n = r.confusion[a][b]
                shade = int(40 + 150 * n / top)
                colour = Color.from_rgb(0, shade, 0) if a == b else Color.from_rgb(shade, 0, 0)
                cells.append(Text(str(n), style=Style(bgcolor=colour, color="white") if n else "dim"))
            table.add_row(txt(a, 16), *cells)
        console.print(table)
