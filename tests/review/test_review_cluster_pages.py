"""A reviewer sees a problem reported through several channels as one cluster, works the
cluster on the clue's page, and the administrator edits the routing rules (real chromium)."""

from __future__ import annotations

import re

import pytest

from tests.review.office import CASE, add_users, login, send_clues
from tests.support.browser import browser_page, screenshot


@pytest.fixture
def office(hub, agencies):
    add_users(hub)
    return agencies.base_url, send_clues(hub, agencies)


def test_reviewer_works_a_multi_channel_cluster(office):
    base, numbers = office
    with browser_page() as page:
        login(page, base)
        page.get_by_label("仅看多来源线索组").check()
        page.get_by_role("button", name="筛选").click()
        assert "待研判 2 条" in page.locator("h1").inner_text()
        rows = page.locator("table.queue tbody tr")
        assert {numbers["court"], numbers["hotline"]} == {
            rows.nth(i).locator("td").nth(1).inner_text() for i in range(2)}
        assert "2 渠道" in rows.first.inner_text()
        screenshot(page, "queue_multi_channel")

        page.get_by_role("link", name=numbers["court"]).click()
        cluster = page.locator("section.cluster")
        assert "来自 2 个渠道：12345热线、法院" in cluster.inner_text() \
            or "来自 2 个渠道：法院、12345热线" in cluster.inner_text()
        other = cluster.locator(f"article[data-clue='{numbers['hotline']}']")
        assert "12345热线" in other.inner_text()
        assert "被判撤销的罚款还没退" in other.inner_text()
        assert f"案号相同：{CASE}" in other.inner_text()
        assert "关联得分" in other.inner_text()
        assert cluster.locator("article.lead").count() == 1
        screenshot(page, "clue_cluster")

        # The petition is another problem: merge it in by clue number, then take it out again.
        page.goto(f"{base}/office/clues/{numbers['petition']}")
        assert "本线索尚未与其他线索关联" in page.content()
        page.get_by_label("并入另一线索组（线索组编号或线索编号）").fill(numbers["court"])
        page.get_by_role("button", name="加入线索组").click()
        assert "已并入线索组" in page.get_by_role("status").inner_text()
        assert page.locator("section.cluster article").count() == 3
        assert "手工加入" in page.locator("section.cluster article.this").inner_text()
        page.get_by_label("移出理由").fill("不是同一问题")
        page.get_by_role("button", name="将本线索移出线索组").click()
        assert "已将本线索移出线索组" in page.get_by_role("status").inner_text()
        assert "本线索尚未与其他线索关联" in page.content()
        history = page.locator(".history").inner_text()
        assert "加入线索组（李科员）" in history and "移出线索组（李科员）" in history  # people by name

        # Set the 12345 call as the lead, then decide on the court clue.
        page.goto(f"{base}/office/clues/{numbers['court']}")
        page.locator(f"article[data-clue='{numbers['hotline']}']").get_by_role(
            "button", name="设为主线索").click()
        assert "主线索" in page.locator(
            f"article[data-clue='{numbers['hotline']}']").inner_text()
        assert "主线索由 li 指定" in page.locator("section.cluster h2").inner_text()
        page.get_by_label("决定").select_option("accept")
        page.get_by_role("button", name="提交决定").click()
        assert "已对 1 条线索作出决定：受理" in page.get_by_role("status").inner_text()
        assert "受理" in page.locator(".badge.status").inner_text()

        page.goto(f"{base}/office/queue?multi=1")
        assert "待研判 1 条" in page.locator("h1").inner_text()


def test_reviewer_picks_the_body_of_an_unresolved_subject(office):
    base, numbers = office
    with browser_page() as page:
        login(page, base)
        page.goto(f"{base}/office/clues/{numbers['unknown']}")
        subject = page.locator(".subject").first
        assert "未匹配" in subject.inner_text()
        page.get_by_label("查找第 1 个被反映单位").fill("张湾区教育")
        page.get_by_role("button", name="查找").click()
        picker = page.get_by_label("第 1 个被反映单位的名录单位")
        options = picker.locator("option").all_inner_texts()
        chosen = next(o for o in options if "张湾区教育" in o)
        picker.select_option(label=chosen)
        page.get_by_role("button", name="确定").click()
        assert "已确定为" in page.get_by_role("status").inner_text()
        assert "人工指定" in page.locator(".subject").first.inner_text()
        assert "未匹配" not in page.locator(".subject").first.inner_text()
        assert "指定被反映单位（李科员）" in page.locator(".history").inner_text()


NEW_RULE = """rules:
  - id: court-cc
    name: 法院线索抄送中级法院
    when:
      {key}: [court]
    then:
      action: cc
      target: 十堰市中级人民法院
"""


def test_administrator_dry_runs_then_saves_rules(office):
    base, numbers = office
    with browser_page() as page:
        login(page, base, "admin")
        page.get_by_role("link", name="分办规则").click()
        assert "启用中：规则集第 1 版" in page.locator("h1").inner_text()
        assert "建议移送：十堰市纪委监委" in page.locator("table.rules").inner_text()
        text = page.locator("textarea[name=yaml_text]").input_value()

        page.locator("textarea[name=yaml_text]").fill(
            text.replace("rules:\n", NEW_RULE.format(key="chanel"), 1))
        page.get_by_role("button", name="试运行").click()
        alert = page.get_by_role("alert").inner_text()
        assert re.search(r"第 \d+ 行：规则“court-cc”（第 1 条）的 when\.chanel", alert), alert
        assert "这里没有这个键" in alert
        assert page.get_by_role("button", name="保存为新版本并启用").count() == 0

        page.locator("textarea[name=yaml_text]").fill(
            text.replace("rules:\n", NEW_RULE.format(key="channel"), 1))
        page.get_by_label("试运行范围").select_option("last_30_days")
        page.get_by_label("版本说明").fill("法院线索抄送")
        page.get_by_role("button", name="试运行").click()
        result = page.get_by_label("试运行结果").inner_text()
        assert "收到的线索 4 条" in result and "处置变化 1 条" in result
        assert numbers["court"] in page.locator("table.changes").inner_text()
        assert "抄送 十堰市中级人民法院（court-cc）" in page.locator("table.changes").inner_text()
        page.get_by_label("试运行结果").scroll_into_view_if_needed()
        screenshot(page, "rules_dry_run")
        page.get_by_role("button", name="保存为新版本并启用").click()
        assert "已保存为规则集第 2 版，并已启用" in page.get_by_role("status").inner_text()
        assert "法院线索抄送中级法院" in page.locator("table.rules").inner_text()
        assert "法院线索抄送" in page.locator("table.versions").inner_text()
        screenshot(page, "rules")


def test_administrator_adds_an_alias_in_the_directory(office):
    base, _ = office
    with browser_page() as page:
        login(page, base, "admin")
        page.get_by_role("link", name="单位名录").click()
        page.get_by_label("名称或简称").fill("郧西县交通运输局")
        page.get_by_role("button", name="查找").click()
        assert "郧西县交通运输局" in page.locator("table.directory").inner_text()
        page.get_by_label("郧西县交通运输局的新简称").first.fill("郧西交管")
        page.get_by_role("button", name="添加").first.click()
        assert "已为“郧西县交通运输局”添加简称“郧西交管”" in page.get_by_role(
            "status").inner_text()
        assert "郧西交管" in page.locator("table.directory").inner_text()


def test_reviewer_opening_the_directory_sees_a_page_saying_it_is_not_allowed(office):
    base, _ = office
    with browser_page() as page:
        login(page, base)
        answer = page.goto(f"{base}/office/directory")
        assert answer.status == 403 and answer.headers["content-type"].startswith("text/html")
        assert page.locator("h1").inner_text() == "没有权限"
        assert "只有管理员可以维护分办规则和单位名录" in page.get_by_role("alert").inner_text()
        assert page.get_by_role("link", name="研判队列").first.is_visible()  # the menu stays
        assert page.get_by_role("link", name="单位名录").count() == 0
        screenshot(page, "directory_not_allowed")
        api = page.request.get(f"{base}/api/v1/office/reveals")  # the API keeps its JSON
        assert api.status == 403 and api.json()["error"] == "forbidden"


def test_administrator_imports_a_directory_file(office, tmp_path):
    base, _ = office
    sheet = tmp_path / "名录.csv"
    sheet.write_text("单位名称,简称/别名,统一社会信用代码,行政区划代码,层级,类型,上级单位\n"
                     "郧西县政务服务中心,县政务中心,,420322,县级,事业单位,郧西县人民政府\n"
                     "不存在县水利局,,,999999,县级,政府部门,\n", encoding="utf-8")
    with browser_page() as page:
        login(page, base, "admin")
        page.goto(f"{base}/office/directory")
        page.get_by_label("导入名录文件").set_input_files(str(sheet))
        page.get_by_role("button", name="导入", exact=True).click()
        assert "导入完成：新增 1 个" in page.get_by_role("status").inner_text()
        assert "第 3 行（不存在县水利局）" in page.get_by_role("alert").inner_text()
        page.get_by_label("名称或简称").fill("县政务中心")
        page.get_by_role("button", name="查找").click()
        assert "郧西县政务服务中心" in page.locator("table.directory").inner_text()
