"""hakit.figures._fit: long titles and annotations are wrapped to the figure's minimum width."""
import re

from hakit.figures._fit import FIGURE_MIN_WIDTH, fit_text, text_width, wrap


def test_wrap_keeps_every_line_within_the_width():
    text = "滚动更新：新版本无法就绪（坏镜像），Deployment 在 progressDeadlineSeconds 之后报告 ProgressDeadlineExceeded"
    out = wrap(text, 240, 14)
    assert out.count("<br>") >= 2
    # a closing mark never starts a line, so it may hang one character past the width
    assert all(text_width(line, 14) <= 240 + 14 for line in out.split("<br>"))
    assert out.replace("<br>", "").replace(" ", "") == text.replace(" ", "")


def test_wrap_leaves_short_text_and_tags_alone():
    assert wrap("短标题", 200, 14) == "短标题"
    out = wrap("标题<br><sup>" + "副标题很长" * 12 + "</sup>", 300, 17)
    assert out.startswith("标题<br><sup>") and out.endswith("</sup>")
    assert out.count("<br>") >= 2


def test_no_line_starts_with_closing_punctuation():
    out = wrap("一二三四五六七八九十，" * 8, 150, 12)
    assert not any(line.startswith("，") for line in out.split("<br>"))


def test_text_width_counts_wide_and_narrow_characters():
    assert text_width("中文", 10) == 20
    assert text_width("ab", 10) < text_width("中文", 10)
    assert text_width("<sup>中文</sup>", 10) < text_width("中文", 10)


def test_fit_text_wraps_title_steps_and_grows_the_top_margin():
    long = "用户看到的中断 = 发现 + 恢复，" * 6
    fig = {"layout": {"title": {"text": long}, "margin": {"t": 50},
                      "sliders": [{"steps": [{"method": "update", "args": [{}, {"title.text": long}]}]}]}}
    fit_text(fig)
    assert "<br>" in fig["layout"]["title"]["text"]
    assert "<br>" in fig["layout"]["sliders"][0]["steps"][0]["args"][1]["title.text"]
    assert fig["layout"]["margin"]["t"] > 50
    lines = re.split("<br>", fig["layout"]["title"]["text"])
    assert all(text_width(line, 1.4 * 12) <= FIGURE_MIN_WIDTH - 40 for line in lines)
