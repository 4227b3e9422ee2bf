"""Fail unless the JUnit report has passed (not skipped) test cases whose names contain each marker."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def main(report: str, *markers: str) -> int:
    cases = ET.parse(report).getroot().iter("testcase")
    passed = [
        f"{case.get('classname')}::{case.get('name')}"
        for case in cases
        if not any(child.tag in ("skipped", "failure", "error") for child in case)
    ]
    for marker in markers:
        count = sum(marker in name for name in passed)
        print(f"CI check: {count} passed test(s) match {marker!r}")
        if count == 0:
            print(f"CI check failed: no passed tests match {marker!r} (skipped or missing)", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], *sys.argv[2:]))
