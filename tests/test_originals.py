"""Official files beside their plan: published when that withholds nothing, names masked in text, scanned, size-limited."""

from __future__ import annotations

from pathlib import Path

from site_builder.pipeline.run import check, generate
from site_builder.publish.originals import NAMED, WITHHELD, plan_originals
from tests.conftest import run_cli

DOCS = "demo-org/2024/documents"
TEXT = "2024년 업무계획\n가팀 팀장 김철수 (내선 1001)\n첫 사업: 계획 수립\n"


def _add(data: Path, name: str, content: bytes) -> Path:
    folder = data / DOCS
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return folder / name


def _generated(data: Path) -> dict[str, str | bytes]:
    portal = check(data).portal
    assert portal is not None
    return generate(portal)


def test_text_export_is_published_with_contact_names_masked_and_its_lines_kept(data_copy: Path) -> None:
    _add(data_copy, "plan.txt", TEXT.encode())
    files = _generated(data_copy)
    published = files[f"{DOCS}/plan.txt"]
    assert isinstance(published, bytes)
    text = published.decode("utf-8")
    assert text.startswith("\ufeff") and "김철수" not in text and "○○○ (내선 1001)" in text
    assert len(text.splitlines()) == len(TEXT.splitlines())  # 원문 N줄 citations still point at the right lines
    plan = str(files["demo-org/2024/index.md"])
    assert "[원문 파일 plan.txt](documents/plan.txt) (텍스트, 1KB, 담당자 이름 가림)" in plan


def test_nothing_is_published_from_a_plan_with_withheld_content(data_copy: Path) -> None:
    _add(data_copy, "plan.txt", TEXT.encode())
    p2 = data_copy / "demo-org/2024/projects/p2.yaml"
    p2.write_text(p2.read_text(encoding="utf-8") + "withheld_fields:\n  - {field: goals, ground: 5}\n", encoding="utf-8")
    files = _generated(data_copy)
    assert not [p for p in files if "/documents/" in p]
    assert f"원문 파일 plan.txt (텍스트): {WITHHELD}" in str(files["demo-org/2024/index.md"])


def test_a_binary_original_that_names_people_is_left_out(data_copy: Path) -> None:
    _add(data_copy, "plan.pdf", b"%PDF-1.4\n")
    portal = check(data_copy).portal
    assert portal is not None
    assert [(o.name, o.path, o.reason) for o in plan_originals(portal.plans[0], portal.site)] == [("plan.pdf", "", NAMED)]


def test_personal_data_in_an_original_stops_the_build(data_copy: Path, monkeypatch) -> None:
    _add(data_copy, "plan.txt", (TEXT + "문의 010-2345-6789\n").encode())
    monkeypatch.chdir(data_copy.parent)
    result = run_cli("validate", "--quiet", "--data", data_copy.name)
    assert result.code == 1
    assert f"{data_copy.name}/{DOCS}/plan.txt:4:4: 오류: 원문 파일에 개인정보로 보이는 값이 있습니다: 휴대전화 번호" in result.err


def test_unknown_types_and_oversized_originals_are_refused(data_copy: Path, monkeypatch) -> None:
    from site_builder.load import source

    _add(data_copy, "plan.docx", b"x")
    _add(data_copy, "big.txt", b"x" * 2048)
    monkeypatch.setattr(source, "MAX_DOCUMENT_BYTES", 1024)
    messages = [p.format() for p in check(data_copy).problems]
    assert any("plan.docx:1:1: 오류: 원문 파일로 싣지 않는 형식입니다" in m for m in messages), messages
    assert any("big.txt:1:1: 오류: 원문 파일이 너무 큽니다" in m for m in messages), messages


def test_citations_link_to_the_published_original(data_copy: Path) -> None:
    _add(data_copy, "plan.txt", TEXT.encode())
    p1 = data_copy / "demo-org/2024/projects/p1.yaml"
    p1.write_text(p1.read_text(encoding="utf-8") + "source: {lines: '2-3'}\n", encoding="utf-8")
    page = str(_generated(data_copy)["demo-org/2024/projects/p1.md"])
    assert '<p class="source-ref">원문 위치: 2-3줄 · <a href="../../documents/plan.txt">원문 파일에서 보기</a></p>' in page


def test_a_link_out_of_the_data_folder_is_refused(data_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("밖의 파일", encoding="utf-8")
    (data_copy / DOCS).mkdir(parents=True)
    (data_copy / DOCS / "plan.txt").symlink_to(outside)
    messages = [p.format() for p in check(data_copy).problems]
    assert any("plan.txt:1:1: 오류: 원문 파일이 아니거나 데이터 폴더 밖을 가리킵니다" in m for m in messages), messages
