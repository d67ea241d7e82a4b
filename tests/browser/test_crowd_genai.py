"""The V2 elements for generative-AI data (static/crowd/genai.js), driven as a worker does."""

from __future__ import annotations

from playwright.sync_api import FrameLocator, Page, expect

from browser.conftest import CrowdHarness

PASSAGE = "The Amazon rainforest covers most of the Amazon basin of South America."
RESPONSES = ["Light bounces off you and the mirror.", "Photons interplay quantum-mechanically."]


def submit(frame: FrameLocator) -> None:
    frame.locator("crowd-button[form-action='submit']").click()


def ranking_page(crowd: CrowdHarness, name: str, dims: str) -> str:
    return crowd.add_template(
        name,
        f"""<crowd-form><crowd-text-ranking name="textRanking" ordinal-ranking-dimensions='{dims}'
              text="Why can you see yourself in a mirror?"
              responses='["{RESPONSES[0]}", "{RESPONSES[1]}"]'>
              <short-instructions>Rank the responses.</short-instructions>
            </crowd-text-ranking></crowd-form>""",
    )


def rank(frame: FrameLocator, dimension: str, response: int, value: str) -> None:
    frame.get_by_label(f"{dimension} rank of response {response}").select_option(value)


def test_text_ranking_stores_each_dimensions_rankings(page: Page, crowd: CrowdHarness) -> None:
    dims = '[{"name":"Clarity","allowTie":true},{"name":"Accuracy","allowTie":false}]'
    frame = crowd.open(page, ranking_page(crowd, "rank.html", dims))
    expect(frame.locator("crowd-text-ranking .response-text")).to_have_text(RESPONSES)
    rank(frame, "Clarity", 1, "1")
    submit(frame)  # the second response has no Clarity rank yet
    expect(frame.locator("crowd-text-ranking .error")).to_contain_text("Rank every response on “Clarity”")
    rank(frame, "Clarity", 2, "1")  # a tie is allowed on Clarity …
    rank(frame, "Accuracy", 1, "2")
    rank(frame, "Accuracy", 2, "2")  # … but not on Accuracy
    submit(frame)
    expect(frame.locator("crowd-text-ranking .error")).to_contain_text("“Accuracy” allows no tie")
    rank(frame, "Accuracy", 2, "1")
    submit(frame)
    # Ground Truth keeps the rankings at the top of answerContent (see genai.js for the source).
    assert crowd.submitted(page) == {
        "ordinalRankingDimensions": [
            {"name": "Clarity", "responseRankings": [1, 1]},
            {"name": "Accuracy", "responseRankings": [2, 1]},
        ]
    }


def test_text_ranking_draft_is_restored(page: Page, crowd: CrowdHarness) -> None:
    dims = '[{"name":"Clarity","allowTie":false}]'
    draft = {"ordinalRankingDimensions": [{"name": "Clarity", "responseRankings": [2, 1]}]}
    frame = crowd.open(page, ranking_page(crowd, "rank2.html", dims), draft=draft)
    expect(frame.get_by_label("Clarity rank of response 1")).to_have_value("2")
    submit(frame)
    assert crowd.submitted(page) == draft


def qa_page(crowd: CrowdHarness) -> str:
    return crowd.add_template(
        "qa.html",
        f"""<crowd-form><crowd-question-answer-generation name="qa" text="{PASSAGE}"
              min-questions="1" max-questions="2" question-min-words="2" question-max-words="10"
              answer-min-words="1" answer-max-words="5" question-tags='["What", "Where"]'
              allow-custom-question-tags="true">
              <short-instructions>Write questions.</short-instructions>
            </crowd-question-answer-generation></crowd-form>""",
    )


def select_in_passage(page: Page, frame: FrameLocator, words: str) -> None:
    """Drag across ``words`` in the passage, as a worker selects text."""
    rect = frame.locator("crowd-question-answer-generation").evaluate(
        """(el, words) => {
            const node = el.shadowRoot.querySelector('.passage').firstChild;
            const i = node.data.indexOf(words);
            const r = document.createRange();
            r.setStart(node, i); r.setEnd(node, i + words.length);
            const b = r.getBoundingClientRect();
            return {left: b.left, right: b.right, y: b.top + b.height / 2};
        }""",
        words,
    )
    box = page.locator("#task").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + rect["left"] + 1, box["y"] + rect["y"])
    page.mouse.down()
    page.mouse.move(box["x"] + rect["right"] - 1, box["y"] + rect["y"], steps=4)
    page.mouse.up()


def test_question_answer_pairs_with_tags_limits_and_a_text_reference(page: Page, crowd: CrowdHarness) -> None:
    frame = crowd.open(page, qa_page(crowd))
    qa = frame.locator("crowd-question-answer-generation")
    submit(frame)  # no pair yet
    expect(qa.locator(".error")).to_contain_text("Write at least 1 question and answer")
    qa.get_by_role("button", name="Add a question").click()
    qa.get_by_label("Question", exact=True).fill("Where?")
    qa.get_by_label("Answer", exact=True).fill("South America")
    submit(frame)  # a one-word question is below question-min-words
    expect(qa.locator(".error")).to_contain_text("The question of pair 1 has 1 words; it needs 2 to 10.")
    qa.get_by_label("Question", exact=True).fill("Where is the Amazon rainforest?")
    qa.get_by_label("Question tag").select_option("Where")
    select_in_passage(page, frame, "South America")
    qa.get_by_role("button", name="Use the selected text").click()
    expect(qa.locator(".refs")).to_have_text("“South America”")
    qa.get_by_role("button", name="Add a question").click()
    expect(qa.get_by_role("button", name="Add a question")).to_be_disabled()  # max-questions is 2
    qa.get_by_role("button", name="Remove").last.click()
    submit(frame)
    start = PASSAGE.index("South America")
    assert crowd.submitted(page) == {
        "qa": {
            "questionAnswerPairs": [
                {
                    "question": "Where is the Amazon rainforest?",
                    "answer": "South America",
                    "tags": ["Where"],
                    "textReferences": [
                        {
                            "startOffset": start,
                            "endOffset": start + len("South America"),
                            "text": "South America",
                        }
                    ],
                }
            ]
        }
    }
