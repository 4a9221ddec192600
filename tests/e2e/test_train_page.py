"""The training page in real Chromium: start training and watch the loss chart grow, pause, download the
model zip, use the trained model on every page (the sidebar and the next-word page show it), and reopen
the run from its link on a projector-sized screen. Screenshots go to SHOTS."""

from __future__ import annotations

import zipfile
from urllib.parse import parse_qs, urlparse

import pytest

from explainer.training.runs import RunStore

from .harness import APP_IDLE, SHOTS, VIEWPORTS, Server, close_page, drawn, finish, open_page

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")

# The x axis's type of the loss chart (the first plotly chart on the page), as drawn: "log" or "linear".
LOSS_AXIS = (  # any slot of the loss chart: the newest figure is the only one drawn with a new axis type
    "(axis) => [...document.querySelectorAll('.st-key-steady_train_loss .js-plotly-plot')]"
    ".some(p => p._fullLayout && p._fullLayout.xaxis.type === axis)"
)
# Number of training points in the loss chart, as drawn in the browser.
_SLOTS = "[...document.querySelectorAll('.st-key-steady_train_loss .js-plotly-plot')]"
LOSS_POINTS = (  # the loss chart's newest slot (explainer/ui/shell/steady.py stacks three): the most points
    f"() => Math.max(0, ...{_SLOTS}.map(p => (p.data && p.data.length ? p.data[0].x.length : 0)))"
)


def loss_points(page) -> int:
    return page.evaluate(LOSS_POINTS)


def settled_points(page) -> int:
    """The loss chart's points once they have held still for 30 frames (the newest slot drawn)."""
    return page.evaluate(
        "() => new Promise((done) => { let last = -1, still = 0; const tick = () => { const n = ("
        + LOSS_POINTS
        + ")(); still = n === last ? still + 1 : 0; last = n; if (still >= 30) done(n); "
        "else requestAnimationFrame(tick); }; tick(); })"
    )


def wait_for_points(page, more_than: int, timeout_ms: int = 30_000) -> int:
    page.wait_for_function(f"() => ({LOSS_POINTS})() > {more_than}", timeout=timeout_ms)
    return loss_points(page)


def shown_step(page) -> int:
    """The Step card's number."""
    card = page.get_by_test_id("stMetric").filter(has_text="Step").get_by_test_id("stMetricValue")
    return int(card.inner_text().replace(",", ""))


def saved_step(server: Server, page) -> int:
    """The step of the run in the page's address, as the server saved it in its run store."""
    rid = parse_qs(urlparse(page.url).query)["run"][0]
    return RunStore(server.log_path.parent / "runs").load(rid).trainer.step_count


def button(page, label: str):
    return page.locator("[data-testid=stButton] button, [data-testid=stDownloadButton] button").filter(has_text=label)


def test_train_pause_download_and_use_everywhere(browser, server: Server, tmp_path) -> None:
    page = open_page(browser, server, "train", VIEWPORTS["laptop"])
    try:
        sync_api.expect(page.locator("h1").first).to_contain_text("Train it yourself")
        button(page, "Start training").click()
        first = wait_for_points(page, 0)
        wait_for_points(page, first)  # the chart keeps growing while the fragment trains
        assert "run=" in page.url, "the run's id should be in the address bar"

        button(page, "Pause").click()
        sync_api.expect(page.get_by_role("button", name="Continue", exact=True)).to_be_visible()
        page.wait_for_selector(APP_IDLE)
        step = shown_step(page)
        paused = settled_points(page)  # the paused run's last figure drawn (it comes a few frames after the script)
        assert saved_step(server, page) == step, "the pause saved the run where it stopped"
        log_x = page.locator("[data-testid=stCheckbox]").filter(has_text="Log scale for the steps")
        for axis in ("log", "linear"):  # two whole reruns, the training fragment's included: no step taken
            log_x.click()
            drawn(page, lambda axis=axis: page.wait_for_function(f"() => ({LOSS_AXIS})('{axis}')"))
            assert (settled_points(page), shown_step(page)) == (paused, step), "a paused run should not train"
        assert saved_step(server, page) == step
        finish(page, "train", "laptop")
        run_link = page.url.split("/", 3)[-1]

        download = button(page, "Download the model")
        sync_api.expect(download).to_be_enabled()
        with page.expect_download() as got:
            download.click()
        path = tmp_path / "model.zip"
        got.value.save_as(path)
        with zipfile.ZipFile(path) as z:
            assert sorted(z.namelist()) == ["config.json", "model.safetensors", "tokenizer.json"]

        button(page, "Use this model on every page").click()
        sidebar = page.locator("[data-testid=stSidebarContent]")
        drawn(page, lambda: sync_api.expect(sidebar).to_contain_text("In use: your-model-step-"))
        page.locator(".st-key-nav a").filter(has_text="Next word").first.click()
        sync_api.expect(page.locator("h1").first).to_contain_text("Next word")
        sync_api.expect(sidebar).to_contain_text("In use: your-model-step-")
        sync_api.expect(page.locator(".js-plotly-plot").first).to_be_visible()
        finish(page, "train-next-word", "laptop")
        page.locator(".st-key-nav a").filter(has_text="What it read").first.click()  # the text the run trains on
        sync_api.expect(page.locator("h1").first).to_contain_text("What it read")
        sync_api.expect(page.locator(".st-key-training_page")).to_contain_text("Assistant:")  # a page of its text
        sync_api.expect(page.locator(".js-plotly-plot").first).to_be_visible()  # the lookup beside the model
        finish(page, "train-what-it-read", "laptop")
    except (AssertionError, sync_api.Error) as e:
        raise AssertionError(f"{e}\n--- server log ---\n{server.log()}") from e
    finally:
        close_page(page)

    projector = open_page(browser, server, run_link, VIEWPORTS["projector"])
    try:  # a new tab (a new session) with the run's link: a copy of the run is back, paused where it was
        sync_api.expect(projector.locator("[data-testid=stAlert]").first).to_contain_text("is back at step")
        sync_api.expect(projector.get_by_role("button", name="Continue", exact=True)).to_be_visible()
        assert settled_points(projector) == paused  # the same loss curve
        assert "run=" in projector.url and projector.url.split("run=")[1][:16] != run_link.split("run=")[1][:16]
        finish(projector, "train", "projector")
        projector.locator(".st-key-train_reset button:visible").click()  # the run's curve stays, to compare
        legend = projector.locator(".js-plotly-plot .legendtext").filter(has_text="run 1: the same settings")
        drawn(projector, lambda: sync_api.expect(legend.first).to_be_visible())
        sync_api.expect(projector.get_by_role("button", name="Start training", exact=True)).to_be_visible()
    except (AssertionError, sync_api.Error) as e:
        raise AssertionError(f"{e}\n--- server log ---\n{server.log()}") from e
    finally:
        close_page(projector)
    assert (SHOTS / "train.png").exists()
