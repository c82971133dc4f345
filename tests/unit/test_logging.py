"""The provider process's default log level: warnings and above (what the operations log:
tests/sandbox/test_logging.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bw_pulumi.config.logs import configure_logging


@pytest.fixture(autouse=True)
def plain_logger() -> Iterator[logging.Logger]:
    """The bw_pulumi logger as a fresh process has it (a provider test may have set it up)."""
    logger = logging.getLogger("bw_pulumi")
    saved = list(logger.handlers), logger.propagate, logger.level
    for handler in saved[0]:
        logger.removeHandler(handler)
    logger.propagate, logger.level = True, logging.NOTSET
    yield logger
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    for handler in saved[0]:
        logger.addHandler(handler)
    logger.propagate, logger.level = saved[1], saved[2]


def test_the_provider_process_prints_warnings_and_above_by_default(
    capsys: pytest.CaptureFixture[str], plain_logger: logging.Logger
) -> None:
    configure_logging(None)
    plain_logger.info("a token fetch")
    plain_logger.warning("a retry")
    assert capsys.readouterr().err == "bw-pulumi: a retry\n"
    configure_logging("info")
    plain_logger.info("a token fetch")
    assert capsys.readouterr().err == "bw-pulumi: a token fetch\n"
    configure_logging("loud")
    assert "is not one of debug, info, warning" in capsys.readouterr().err
