package io.medmsg.directory;

import static io.medmsg.support.Tokens.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.medmsg.support.Api.Reply;
import io.medmsg.support.ApiTest;
import io.medmsg.support.Tokens;
import tools.jackson.databind.JsonNode;

class DoctorListTest extends ApiTest {

    private static final String LIST = "/pati_service/manager_service/doctor_list";
    private static final String UPSERT = "/pati_service/manager_service/doctors";

    private final String admin = Tokens.admin("admin1");
    private final String patient = Tokens.patient("p-directory");

    private Map<String, Object> doctor(String id, String dept, String name, boolean accepting) {
        return body("doctor_id", id, "name", name, "title", "主治医师", "dept", dept, "hospital", "测试医院",
                "intro", "intro of " + name, "accepting", accepting);
    }

    private Reply upsert(String token, Object... doctors) {
        return api.put(UPSERT, token, body("doctors", List.of(doctors)));
    }

    private Reply list(String query) {
        return api.get(LIST + "?" + query, patient);
    }

    private static List<String> ids(Reply reply) {
        List<String> ids = new ArrayList<>();
        reply.data().get("list").forEach(d -> ids.add(d.get("doctor_id").asString()));
        return ids;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void demoDirectoryIsSeededAcrossDepartments() {
        Reply reply = list("page_size=100");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("total").asInt()).isGreaterThanOrEqualTo(12);
        for (String dept : List.of("内科", "儿科", "皮肤科", "妇产科")) {
            assertThat(list("dept=" + enc(dept)).data().get("total").asInt()).as(dept).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void listReturnsEveryFieldOfADoctor() {
        String dept = unique("dept");
        upsert(admin, body("doctor_id", dept + "-a", "name", "全字段", "title", "主任医师", "dept", dept, "hospital",
                "某医院", "avatar_url", "https://img.example/a.png", "intro", "简介", "accepting", false));
        JsonNode d = list("dept=" + dept).data().get("list").get(0);
        assertThat(d.get("doctor_id").asString()).isEqualTo(dept + "-a");
        assertThat(d.get("name").asString()).isEqualTo("全字段");
        assertThat(d.get("title").asString()).isEqualTo("主任医师");
        assertThat(d.get("dept").asString()).isEqualTo(dept);
        assertThat(d.get("hospital").asString()).isEqualTo("某医院");
        assertThat(d.get("avatar_url").asString()).isEqualTo("https://img.example/a.png");
        assertThat(d.get("intro").asString()).isEqualTo("简介");
        assertThat(d.get("accepting").asBoolean()).isFalse();
    }

    @Test
    void deptFilterIsExactAndOrderIsByDoctorId() {
        String dept = unique("dept");
        upsert(admin, doctor(dept + "-c", dept, "C", true), doctor(dept + "-a", dept, "A", true),
                doctor(dept + "-b", dept + "x", "B", true));
        Reply reply = list("dept=" + dept);
        assertThat(ids(reply)).containsExactly(dept + "-a", dept + "-c");
        assertThat(reply.data().get("total").asInt()).isEqualTo(2);
    }

    @Test
    void keywordMatchesNameDeptHospitalTitleAndIntroIgnoringCase() {
        String tag = unique("kw");
        upsert(admin, doctor(tag + "-1", "d", "Dr " + tag.toUpperCase(), true),
                body("doctor_id", tag + "-2", "name", "x", "dept", "d", "intro", "likes " + tag, "accepting", true),
                body("doctor_id", tag + "-3", "name", "x", "hospital", tag + " hospital"),
                body("doctor_id", tag + "-4", "name", "x", "title", "chief " + tag),
                body("doctor_id", tag + "-5", "name", "x", "dept", "dept-" + tag),
                body("doctor_id", tag + "-6", "name", "unrelated"));
        assertThat(ids(list("keyword=" + tag))).containsExactly(tag + "-1", tag + "-2", tag + "-3", tag + "-4", tag + "-5");
    }

    @Test
    void keywordTreatsLikeWildcardsLiterally() {
        String tag = unique("wild");
        upsert(admin, doctor(tag + "-1", "d", "100% " + tag, true), doctor(tag + "-2", "d", "100x " + tag, true));
        assertThat(ids(list("keyword=" + enc("100% " + tag)))).containsExactly(tag + "-1");
        assertThat(ids(list("keyword=" + enc("_00x " + tag)))).isEmpty();
    }

    @Test
    void acceptingFilterSelectsOnlyThatState() {
        String dept = unique("dept");
        upsert(admin, doctor(dept + "-on", dept, "on", true), doctor(dept + "-off", dept, "off", false));
        assertThat(ids(list("dept=" + dept + "&accepting=true"))).containsExactly(dept + "-on");
        assertThat(ids(list("dept=" + dept + "&accepting=false"))).containsExactly(dept + "-off");
    }

    @Test
    void pagingReturnsTheRequestedSliceAndTheTotal() {
        String dept = unique("dept");
        for (int i = 1; i <= 5; i++) {
            upsert(admin, doctor(dept + "-" + i, dept, "n" + i, true));
        }
        Reply second = list("dept=" + dept + "&page=2&page_size=2");
        assertThat(ids(second)).containsExactly(dept + "-3", dept + "-4");
        assertThat(second.data().get("total").asInt()).isEqualTo(5);
        assertThat(second.data().get("page").asInt()).isEqualTo(2);
        assertThat(second.data().get("page_size").asInt()).isEqualTo(2);
        assertThat(ids(list("dept=" + dept + "&page=4&page_size=2"))).isEmpty();
    }

    @Test
    void defaultsArePageOneOfTwenty() {
        Reply reply = list("");
        assertThat(reply.data().get("page").asInt()).isEqualTo(1);
        assertThat(reply.data().get("page_size").asInt()).isEqualTo(20);
    }

    @Test
    void outOfRangeParametersAreRefusedNamingTheParameter() {
        for (String query : List.of("page=0", "page_size=0", "page_size=101", "page=abc", "accepting=maybe")) {
            Reply reply = list(query);
            assertThat(reply.status()).as(query).isEqualTo(400);
            assertThat(reply.code()).as(query).isEqualTo(40001);
            assertThat(reply.msg()).as(query).contains(query.substring(0, query.indexOf('=')));
        }
    }

    @Test
    void everyRoleMayListDoctors() {
        assertThat(api.get(LIST, Tokens.doctor("d1001")).status()).isEqualTo(200);
        assertThat(api.get(LIST, admin).status()).isEqualTo(200);
    }

    @Test
    void upsertInsertsThenUpdatesByDoctorId() {
        String id = unique("doc");
        Reply first = upsert(admin, doctor(id, id, "Before", true));
        assertThat(first.data().get("upserted").asInt()).isEqualTo(1);
        upsert(admin, doctor(id, id, "After", false));
        JsonNode d = list("dept=" + id).data().get("list").get(0);
        assertThat(d.get("name").asString()).isEqualTo("After");
        assertThat(d.get("accepting").asBoolean()).isFalse();
        assertThat(list("dept=" + id).data().get("total").asInt()).isEqualTo(1);
    }

    @Test
    void upsertValidatesEachFieldNamingIt() {
        Map<String, Object> good = doctor(unique("ok"), "d", "ok", true);
        assertRefused(body("doctors", List.of()), "doctors");
        assertRefused(body("doctors", List.of(good, body("doctor_id", "bad id!", "name", "x"))), "doctors[1].doctor_id");
        assertRefused(body("doctors", List.of(body("doctor_id", "x1", "name", "  "))), "doctors[0].name");
        assertRefused(body("doctors", List.of(body("doctor_id", "x1", "name", "n", "intro", "x".repeat(2001)))),
                "doctors[0].intro");
        assertRefused(body("doctors", List.of(body("doctor_id", "x1", "name", "n", "avatar_url", "javascript:alert(1)"))),
                "doctors[0].avatar_url");
        assertRefused(body("doctors", List.of(body("doctor_id", "x".repeat(65), "name", "n"))), "doctors[0].doctor_id");
    }

    private void assertRefused(Object request, String field) {
        Reply reply = api.put(UPSERT, admin, request);
        assertThat(reply.status()).as(field).isEqualTo(400);
        assertThat(reply.code()).isEqualTo(40001);
        assertThat(reply.msg()).contains(field);
    }

    @Test
    void upsertIsForAdminsOnly() {
        for (String token : List.of(patient, Tokens.doctor("d1001"))) {
            Reply reply = upsert(token, doctor(unique("x"), "d", "x", true));
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.code()).isEqualTo(40301);
        }
    }
}
