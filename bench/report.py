"""The table of checks the benchmark scripts print: what was measured, what was
expected, and whether it held."""


class Report:
    header = ("check", "measured", "expected", "result")

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, bool]] = []

    def check(self, what: str, measured: str, expected: str, passed: bool) -> None:
        self.rows.append((what, measured, expected, passed))

    def print(self) -> None:
        widths = [max(len(str(row[i])) for row in self.rows + [self.header]) for i in range(3)]
        for what, measured, expected, *passed in [self.header, *self.rows]:
            verdict = passed[0] if isinstance(passed[0], str) else ("ok" if passed[0] else "FAIL")
            print(
                f"{what:<{widths[0]}}  {measured:<{widths[1]}}  {expected:<{widths[2]}}  {verdict}"
            )

    @property
    def passed(self) -> bool:
        return all(row[3] for row in self.rows)
