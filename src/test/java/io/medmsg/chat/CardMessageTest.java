package io.medmsg.chat;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.JsonNode;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Chat;
import io.medmsg.support.Consult;

/** send_card_msg and the back end's send_system_msg: every limit of a card, checked before anything is stored. */
class CardMessageTest extends ApiTest {

    private Chat chat;
    private Consult consult;
    private Chat.Consultation c;

    @BeforeEach
    void fixtures() {
        chat = new Chat(api);
        consult = new Consult(api);
        c = chat.consultation();
        chat.doctorSends(c.doctor(), c.sessionId(), "您好");
    }

    private Reply send(Map<String, Object> card) {
        return consult.sendCard(c.doctor(), c.sessionId(), card);
    }

    /** A 400/40001 naming the field, and nothing stored. */
    private void refused(Map<String, Object> card, String field) {
        int before = chat.allMessages(c.doctor(), c.sessionId()).size();
        Reply r = send(card);
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.code()).isEqualTo(40001);
        assertThat(r.msg()).contains(field);
        assertThat(chat.allMessages(c.doctor(), c.sessionId())).hasSize(before);
    }

    @Test
    void aDoctorsCardIsStoredAndReturnedAsGiven() {
        Map<String, Object> data = body("rx_id", "RX-1", "items", List.of(body("drug", "阿莫西林", "qty", 2)));
        Reply r = send(Consult.card("prescription", "处方", "body", "每日三次", "fields",
                List.of(body("label", "药品", "value", "阿莫西林胶囊")), "link",
                body("url", "https://pharmacy.example/rx/1", "text", "去购药"), "data", data));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode m = r.data().get("message");
        assertThat(m.get("msg_type").asString()).isEqualTo("card");
        assertThat(m.get("text").isNull()).isTrue();
        JsonNode stored = chat.allMessages(c.doctor(), c.sessionId()).get(2).get("card");
        assertThat(stored.get("card_type").asString()).isEqualTo("prescription");
        assertThat(stored.get("link").get("url").asString()).isEqualTo("https://pharmacy.example/rx/1");
        assertThat(stored.get("data").get("items").get(0).get("qty").asInt()).isEqualTo(2);
        assertThat(stored).isEqualTo(m.get("card"));
    }

    @Test
    void hospitalTypesStartWithX() {
        assertThat(send(Consult.card("x-follow-up", "随访提醒")).status()).isEqualTo(200);
        refused(Consult.card("x-", "随访"), "card_type");
        refused(Consult.card("x-Follow", "随访"), "card_type");
        refused(Consult.card("coupon", "优惠券"), "card_type");
    }

    @Test
    void titleBodyAndFieldsHaveLimits() {
        refused(Consult.card("notice", ""), "card.title");
        refused(Consult.card("notice", "字".repeat(101)), "card.title");
        assertThat(send(Consult.card("notice", "字".repeat(100))).status()).isEqualTo(200);
        refused(Consult.card("notice", "通知", "body", "字".repeat(2001)), "card.body");
        List<Object> fields = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            fields.add(body("label", "项" + i, "value", "值"));
        }
        refused(Consult.card("notice", "通知", "fields", fields), "card.fields");
        refused(Consult.card("notice", "通知", "fields", List.of(body("label", "字".repeat(51), "value", "v"))),
                "card.fields[0].label");
        refused(Consult.card("notice", "通知", "fields", List.of(body("label", "l", "value", "字".repeat(501)))),
                "card.fields[0].value");
        refused(Consult.card("notice", "通知", "fields", List.of(body("value", "v"))), "card.fields[0].label");
        refused(body("card_type", "notice", "title", 42), "card.title");
    }

    @ParameterizedTest
    @ValueSource(strings = {"javascript:alert(1)", "data:text/html,<b>x</b>", "http://hospital.example/a",
        "/relative/path", "https:///nohost", "ftp://hospital.example/f", "https://exa mple.com/"})
    void aLinkMustBeAnAbsoluteHttpsUrl(String url) {
        refused(Consult.card("notice", "通知", "link", body("url", url, "text", "打开")), "card.link.url");
    }

    @Test
    void dataIsAJsonObjectOfAtMost8KiB() {
        refused(Consult.card("notice", "通知", "data", "x".repeat(10)), "card.data");
        refused(Consult.card("notice", "通知", "data", body("blob", "x".repeat(8200))), "card.data");
        assertThat(send(Consult.card("notice", "通知", "data", body("blob", "x".repeat(8000)))).status()).isEqualTo(200);
    }

    @Test
    void aMissingCardIsNamed() {
        Reply r = api.post(Chat.D + "send_card_msg", c.doctor(), body("session_id", c.sessionId()));
        assertThat(r.code()).isEqualTo(40001);
        assertThat(r.msg()).contains("card");
    }

    @Test
    void patientsCannotSendCards() {
        Reply r = api.post(Chat.D + "send_card_msg", c.patient(), body("session_id", c.sessionId(), "card",
                Consult.card("notice", "通知")));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo(40301);
    }

    @Test
    void aResendOfACardReturnsTheOriginalAndADifferentCardIs40901() {
        Object card = Consult.card("notice", "复诊提醒");
        Reply first = api.post(Chat.D + "send_card_msg", c.doctor(), body("session_id", c.sessionId(), "card", card,
                "client_msg_id", "card-1"));
        Reply again = api.post(Chat.D + "send_card_msg", c.doctor(), body("session_id", c.sessionId(), "card", card,
                "client_msg_id", "card-1"));
        assertThat(again.data().get("message").get("msg_id").asString())
                .isEqualTo(first.data().get("message").get("msg_id").asString());
        Reply other = api.post(Chat.D + "send_card_msg", c.doctor(), body("session_id", c.sessionId(), "card",
                Consult.card("notice", "别的"), "client_msg_id", "card-1"));
        assertThat(other.code()).isEqualTo(40901);
    }

    @Test
    void theBackEndsNoticeIsASystemMessageOfTextOrCard() {
        Reply text = api.post(Consult.A + "send_system_msg", Consult.ADMIN, body("session_id", c.sessionId(),
                "text", "处方已审核", "client_msg_id", "n-1"));
        assertThat(text.status()).as(text.raw()).isEqualTo(200);
        assertThat(text.data().get("message").get("sender_role").asString()).isEqualTo("system");
        assertThat(text.data().get("message").get("msg_type").asString()).isEqualTo("text");
        Reply card = api.post(Consult.A + "send_system_msg", Consult.ADMIN, body("session_id", c.sessionId(),
                "card", Consult.card("notice", "药品已发货"), "client_msg_id", "n-2"));
        assertThat(card.data().get("message").get("msg_type").asString()).isEqualTo("card");
        Reply resent = api.post(Consult.A + "send_system_msg", Consult.ADMIN, body("session_id", c.sessionId(),
                "text", "处方已审核", "client_msg_id", "n-1"));
        assertThat(resent.data().get("message").get("seq").asLong()).isEqualTo(text.data().get("message").get("seq").asLong());
        JsonNode patientView = chat.get(Chat.P, "new_msg", c.patient(), "session_id=" + c.sessionId() + "&after_seq=2").data();
        assertThat(patientView.get("list")).hasSize(2);
    }

    @Test
    void aNoticeNeedsExactlyOneOfTextAndCardAndAClientMsgIdAndAnExistingSession() {
        assertThat(api.post(Consult.A + "send_system_msg", Consult.ADMIN, body("session_id", c.sessionId(),
                "client_msg_id", "n-x")).msg()).contains("exactly one");
        assertThat(api.post(Consult.A + "send_system_msg", Consult.ADMIN, body("session_id", c.sessionId(), "text", "a",
                "card", Consult.card("notice", "b"), "client_msg_id", "n-y")).msg()).contains("exactly one");
        assertThat(api.post(Consult.A + "send_system_msg", Consult.ADMIN, body("session_id", c.sessionId(), "text", "a"))
                .msg()).contains("client_msg_id");
        assertThat(api.post(Consult.A + "send_system_msg", Consult.ADMIN, body("session_id", unique("nos"), "text", "a",
                "client_msg_id", "n-z")).status()).isEqualTo(404);
    }
}
