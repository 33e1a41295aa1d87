"""Config: the example loads, environment overrides apply, bad values name their key."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, FilesConfig, load_config, parse_config, resolve_config_path

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_loads_with_documented_defaults() -> None:
    cfg = load_config(ROOT / "config.example.toml", environ={})
    assert cfg.telegram.mode == "polling"
    assert cfg.database.url.startswith("sqlite+aiosqlite://")
    assert cfg.region.timezone == "Asia/Jakarta"
    assert len(cfg.region.kecamatan) == 24
    assert cfg.i18n.default_locale == "id"
    assert cfg.i18n.locales == ["id", "en"]
    assert cfg.delivery.global_rate_per_second == 25.0


def test_example_documents_every_key_of_every_section() -> None:
    """Every key the models accept appears in config.example.toml."""
    import tomllib

    from config import AppConfig

    raw = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    for section, field in AppConfig.model_fields.items():
        assert section in raw, f"[{section}] missing from config.example.toml"
        model = field.annotation
        assert model is not None
        missing = set(model.model_fields) - set(raw[section])
        assert not missing, f"[{section}] does not document {sorted(missing)}"


def test_environment_overrides_token_database_and_endpoints(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[telegram]\ntoken = "from-file"\n', encoding="utf-8")
    env = {
        "GEMPUR_TELEGRAM_TOKEN": "123:ENV",
        "GEMPUR_DATABASE_URL": "postgresql+asyncpg://u@127.0.0.1/db",
        "GEMPUR_TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
        "GEMPUR_TELEGRAM_BASE_FILE_URL": "http://127.0.0.1:9/file/bot",
    }
    cfg = load_config(path, environ=env)
    assert cfg.telegram.token == "123:ENV"
    assert cfg.database.url == "postgresql+asyncpg://u@127.0.0.1/db"
    assert cfg.telegram.base_url == "http://127.0.0.1:9/bot"
    assert cfg.telegram.base_file_url == "http://127.0.0.1:9/file/bot"


def test_bad_values_give_one_line_per_problem_naming_the_key() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {
                "telegram": {"mode": "webhook", "tokn": "x"},
                "database": {"url": "postgresql://u@h/db"},
                "region": {"timezone": "Mars/Olympus"},
                "delivery": {"window_start": "21:00:00", "window_end": "07:00:00"},
            },
            source="c.toml",
        )
    problems = caught.value.problems
    assert len(problems) == 5
    assert any("telegram.mode" in p and "webhook" in p for p in problems)
    assert any("telegram.tokn: unknown key" in p for p in problems)
    assert any("database.url" in p and "postgresql+asyncpg://" in p for p in problems)
    assert any("region.timezone" in p and "Mars/Olympus" in p for p in problems)
    assert any("delivery" in p and "window_start must be before window_end" in p for p in problems)
    assert all(p.startswith("c.toml: ") and "\n" not in p for p in problems)


def test_missing_file_and_broken_toml_are_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.toml", environ={})
    broken = tmp_path / "broken.toml"
    broken.write_text("[telegram\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken, environ={})


def test_config_path_from_flag_then_environment_then_default() -> None:
    assert resolve_config_path("a.toml", {"GEMPUR_CONFIG": "b.toml"}) == Path("a.toml")
    assert resolve_config_path(None, {"GEMPUR_CONFIG": "b.toml"}) == Path("b.toml")
    assert resolve_config_path(None, {}) == Path("config.toml")


def test_default_locale_must_be_available() -> None:
    with pytest.raises(ConfigError, match="default_locale"):
        parse_config({"i18n": {"default_locale": "jv", "locales": ["id", "en"]}})


def test_bot_api_connections_and_wait_reach_the_http_client() -> None:
    from bot import build_application
    from handlers.ordering import PerChatUpdateProcessor
    from runtime.bot_api_http import AiohttpRequest

    telegram = {
        "token": "1:T",
        "connections": 3,
        "connection_wait_seconds": 7.5,
        "concurrent_updates": 5,
    }
    app = build_application(parse_config({"telegram": telegram}, source="c.toml"))
    request = app.bot.request
    assert isinstance(request, AiohttpRequest)
    assert (request.connections, request.pool_timeout) == (3, 7.5)
    processor = app.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)
    assert processor.handled_at_once == 5


def test_example_config_caps_uploaded_files_as_the_defaults_do() -> None:
    cfg = load_config(ROOT / "config.example.toml", environ={})
    assert cfg.files == FilesConfig()
    assert (cfg.files.max_rows, cfg.files.max_columns) == (200_000, 200)
    assert (cfg.files.max_unpacked_mb, cfg.files.max_ratio) == (400, 200)
    assert (cfg.files.worker_seconds, cfg.files.worker_memory_mb) == (120, 1024)


def test_a_thread_retention_shorter_than_a_season_is_refused() -> None:
    """Conversations are kept at least 366 days: a season's roll-up never loses a thread."""
    assert (
        parse_config({"privacy": {"thread_retention_days": 366}}).privacy.thread_retention_days
        == 366
    )
    with pytest.raises(ConfigError, match=r"privacy\.thread_retention_days"):
        parse_config({"privacy": {"thread_retention_days": 365}})
