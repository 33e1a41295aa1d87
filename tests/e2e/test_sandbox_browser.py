"""The sandbox page in a real browser (Debian's headless Chromium through Playwright): one
short scenario per persona, each leaving a screenshot in the test run's temporary folder."""

from __future__ import annotations

import shutil
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Locator, Page, async_playwright, expect
from sqlalchemy import select

from domain.access import Role
from sandbox.demo import RunningDemo
from storage.tables import Person, RoleGrant, SchedulerRun
from tests.helpers.sandbox import demo_uow, small_demo

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="needs Chromium: apt-get install -y chromium chromium-driver",
)
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


def png(width: int = 8, height: int = 8) -> bytes:
    """A small red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xcc\x22\x22" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sandbox-screenshots")


@pytest.fixture
async def demo() -> AsyncIterator[RunningDemo]:
    async with small_demo() as running:
        yield running


@pytest.fixture
async def page(demo: RunningDemo) -> AsyncIterator[Page]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # A fake microphone, allowed without asking, for voice notes.
            args=["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
        )
        try:
            context = await browser.new_context(viewport={"width": 1600, "height": 900})
            context.set_default_timeout(TIMEOUT_MS)
            tab = await context.new_page()
            await tab.goto(demo.url)
            await expect(tab.locator("body[data-ready=yes]")).to_be_attached()
            yield tab
        finally:
            await browser.close()


async def open_persona(page: Page, role: str, value: str | None = None) -> Locator:
    """Picks the role (and who), opens the chat; returns its column."""
    count = await page.locator(".column").count()
    await page.select_option("#role", role)
    if value is not None:
        await page.select_option("#who", value)
    await page.click("#open")
    await expect(page.locator(".column")).to_have_count(count + 1)
    return page.locator(".column").nth(count)


async def say(column: Locator, text: str) -> None:
    await column.locator("input[name=text]").fill(text)
    await column.locator("input[name=text]").press("Enter")


async def test_admin_uses_the_menu_and_downloads_the_invite_workbook(
    page: Page, screenshots: Path
) -> None:
    admin = await open_persona(page, "admin", "9000001")
    await admin.locator(".menu-button").click()
    await expect(admin.locator(".menu")).to_contain_text("/impor")
    await admin.locator(".menu-item", has_text="/undang").click()
    await admin.locator("button.inline", has_text="Massal").click()
    # Which kecamatan? (Other messages may arrive meanwhile: the day's reminders, the queue.)
    choose = admin.locator(".message.out", has_text="Undangan massal")
    await expect(choose).to_have_count(1)
    await choose.locator("button.inline").first.click()
    link = admin.locator("a.file")
    await expect(link).to_contain_text(".xlsx")
    async with page.expect_download() as downloading:
        await link.click()
    download = await downloading.value
    saved = screenshots / download.suggested_filename
    await download.save_as(saved)
    await page.screenshot(path=screenshots / "admin.png")
    assert download.suggested_filename.startswith("undangan-")
    assert saved.read_bytes()[:2] == b"PK"  # a real XLSX (a zip)


async def test_pimpinan_is_greeted_as_pimpinan(page: Page, screenshots: Path) -> None:
    pimpinan = await open_persona(page, "pimpinan")
    await say(pimpinan, "/start")
    await expect(pimpinan.locator(".message.out").last).to_contain_text("pimpinan")
    await expect(pimpinan.locator(".message.in").first).to_contain_text("/start")
    await page.screenshot(path=screenshots / "pimpinan.png")


async def test_officer_pages_their_cooperatives_and_shares_location_and_voice(
    page: Page, screenshots: Path, tmp_path: Path
) -> None:
    officer = await open_persona(page, "petugas", "9000100")
    await say(officer, "/koperasi")
    listing = officer.locator(".message.out").last
    await expect(listing).to_contain_text("Koperasi dampingan")
    before = await listing.inner_text()
    await listing.locator("button.inline", has_text="1").first.click()
    await expect(listing).not_to_have_text(before)  # the cooperative's card replaces the list
    page.on("dialog", lambda dialog: dialog.accept(dialog.default_value))
    await officer.locator("button.location").click()
    await expect(officer.locator(".message.in .location")).to_contain_text("-7.7543, 113.2159")
    voice = tmp_path / "catatan.ogg"
    voice.write_bytes(b"OggS\x00\x02 catatan suara")
    await officer.locator("input.voice").set_input_files(voice)
    await expect(officer.locator(".message.in audio.voice")).to_have_count(1)
    await officer.locator("button.record").click()
    await expect(officer.locator("button.record")).to_have_text("Kirim suara")
    await officer.locator("button.record").click()
    await expect(officer.locator(".message.in audio.voice")).to_have_count(2)
    await page.screenshot(path=screenshots / "petugas.png")


async def test_board_member_and_their_officer_side_by_side_with_photos(
    page: Page, demo: RunningDemo, screenshots: Path, tmp_path: Path
) -> None:
    board = next(p for p in demo.sandbox.personas.all() if p.role == "pengurus")
    assert board.koperasi_key is not None
    nama = demo.sandbox.world.koperasi[board.koperasi_key].nama
    kecamatan = demo.sandbox.world.koperasi[board.koperasi_key].kecamatan
    their_officer = next(
        p for p in demo.sandbox.personas.all() if p.role == "petugas" and kecamatan in p.detail
    )
    member = await open_persona(page, "pengurus", str(board.user_id))
    officer = await open_persona(page, "petugas", str(their_officer.user_id))
    await say(member, "/start")
    # The bot's <b> arrives as a bold entity, rendered as an element: the status card's title,
    # at the top of the board's home, names the cooperative.
    title = member.locator(".message.out b", has_text=nama).first
    await expect(title).to_have_text(f"📋 Status RAT — {nama}")
    photos = [tmp_path / f"foto{n}.png" for n in range(3)]
    for path in photos:
        path.write_bytes(png())
    await member.locator("input[name=text]").fill("foto rapat")
    await member.locator("input.attach").set_input_files(photos[0])
    await member.locator("input.attach").set_input_files(photos[1:])
    images = member.locator(".message.in img.photo")
    await expect(images).to_have_count(3)
    await expect(member.locator(".message.in").nth(1)).to_contain_text("foto rapat")
    width = await images.first.evaluate("img => img.naturalWidth")
    await expect(officer).to_be_visible()
    await page.screenshot(path=screenshots / "pengurus-dan-petugas.png")
    assert width == 8


async def test_newcomer_redeems_the_fresh_invite_and_becomes_an_officer(
    page: Page, demo: RunningDemo, screenshots: Path
) -> None:
    newcomer = await open_persona(page, "newcomer-petugas")
    await newcomer.locator(".invite-start").click()
    await newcomer.get_by_role("button", name="Setuju", exact=True).click()
    await expect(newcomer.locator(".message.out").last).to_contain_text("petugas")
    await page.screenshot(path=screenshots / "pendatang-baru.png")
    user_id = int(await newcomer.get_attribute("data-user-id") or 0)
    async with demo_uow(demo) as uow:
        roles = (
            await uow.session.scalars(
                select(RoleGrant.role)
                .join(Person, Person.id == RoleGrant.person_id)
                .where(Person.telegram_user_id == user_id)
            )
        ).all()
    assert roles == [Role.PETUGAS]


#: How long a clock jump may take to answer (it runs every job that fell due).
JUMP_MS = 60_000


async def test_the_clock_jumps_to_the_first_of_march_and_the_tick_runs(
    page: Page, demo: RunningDemo, screenshots: Path
) -> None:
    await page.click("#clock-buttons button[data-date$='-03-01']")
    # 1 March 2027 is a Monday: the jump also draws the weekly roll-up's chart (a worker
    # process, seconds on a loaded machine) before the page hears back.
    await expect(page.locator("#clock-now")).to_contain_text("01 Mar", timeout=JUMP_MS)
    await expect(page.locator("#clock-ran")).to_contain_text("tick", timeout=JUMP_MS)
    await page.screenshot(path=screenshots / "jam.png")
    now = demo.sandbox.clock.now().astimezone(demo.cfg.region.tz)
    async with demo_uow(demo) as uow:
        runs = (await uow.session.scalars(select(SchedulerRun.due_at))).all()
    assert (now.month, now.day) == (3, 1)
    assert max(runs).astimezone(demo.cfg.region.tz).date() == now.date()


async def test_chat_html_renders_telegrams_tags_and_nothing_else(
    page: Page, demo: RunningDemo, screenshots: Path
) -> None:
    admin = await open_persona(page, "admin", "9000002")
    await say(admin, "<b>bukan tebal</b><img src=x onerror=alert(1)>")
    await expect(admin.locator(".message.in")).to_contain_text("<b>bukan tebal</b><img src=x")
    html = (
        "<b>tebal</b> <i>miring</i> <code>a&lt;b</code> "
        '<a href="https://example.org/">tautan</a> &lt;script&gt;alert(1)&lt;/script&gt;'
    )
    async with httpx.AsyncClient() as client:
        sent = await client.post(
            f"{demo.sandbox.stub.api_url}/sendMessage",
            data={"chat_id": "9000002", "text": html, "parse_mode": "HTML"},
        )
    assert sent.json()["ok"] is True
    shown = admin.locator(".message.out", has_text="tautan").last
    await expect(shown.locator("b")).to_have_text("tebal")
    await expect(shown.locator("i")).to_have_text("miring")
    await expect(shown.locator("code")).to_have_text("a<b")
    await expect(shown.locator("a")).to_have_attribute("href", "https://example.org/")
    await expect(shown).to_contain_text("<script>alert(1)</script>")
    await page.screenshot(path=screenshots / "html.png")
    assert await page.locator(".messages script, .messages img:not(.photo)").count() == 0


async def test_photos_and_albums_the_bot_sends_are_shown(page: Page, demo: RunningDemo) -> None:
    officer = await open_persona(page, "petugas", "9000102")
    chart = png(40, 20)
    async with httpx.AsyncClient(base_url=demo.sandbox.stub.api_url) as bot:
        one = await bot.post(
            "/sendPhoto",
            data={"chat_id": "9000102", "caption": "<b>Grafik</b> RAT", "parse_mode": "HTML"},
            files={"photo": ("grafik.png", chart, "image/png")},
        )
        file_id = one.json()["result"]["photo"][-1]["file_id"]
        album = await bot.post(
            "/sendMediaGroup",
            json={
                "chat_id": 9000102,
                "media": [
                    {"type": "photo", "media": file_id},
                    {"type": "photo", "media": file_id},
                ],
            },
        )
    assert album.json()["ok"] is True
    images = officer.locator(".message.out img.photo")
    await expect(images).to_have_count(3)
    await expect(officer.locator(".message.out b", has_text="Grafik")).to_have_count(1)
    sizes = await images.evaluate_all("imgs => imgs.map(img => img.naturalWidth)")
    assert sizes == [40, 40, 40]


async def test_a_reply_keyboard_answers_with_its_text_until_the_bot_removes_it(
    page: Page, demo: RunningDemo, screenshots: Path
) -> None:
    # No feature of the bot sends a reply keyboard yet: the bot's side is played through the
    # stand-in's Bot API, exactly as the bot would call it.
    officer = await open_persona(page, "petugas", "9000101")
    keyboard = {
        "keyboard": [
            [{"text": "Ya"}, {"text": "Tidak"}],
            [{"text": "Lokasi saya", "request_location": True}],
        ],
        "resize_keyboard": True,
    }
    async with httpx.AsyncClient(base_url=demo.sandbox.stub.api_url) as bot:
        asked = await bot.post(
            "/sendMessage",
            json={"chat_id": 9000101, "text": "Sudah dikunjungi?", "reply_markup": keyboard},
        )
        assert asked.json()["ok"] is True
        await (
            officer.locator(".reply-keyboard").get_by_role("button", name="Ya", exact=True).click()
        )
        await expect(officer.locator(".message.in").last).to_have_text("Ya")
        page.on("dialog", lambda dialog: dialog.accept("-7.9, 113.4"))
        await officer.locator(".reply-keyboard button", has_text="Lokasi saya").click()
        await expect(officer.locator(".message.in .location")).to_contain_text("-7.9, 113.4")
        await page.screenshot(path=screenshots / "keyboard.png")
        removed = await bot.post(
            "/sendMessage",
            json={
                "chat_id": 9000101,
                "text": "Terima kasih",
                "reply_markup": {"remove_keyboard": True},
            },
        )
        assert removed.json()["ok"] is True
    await expect(officer.locator(".reply-keyboard button")).to_have_count(0)
