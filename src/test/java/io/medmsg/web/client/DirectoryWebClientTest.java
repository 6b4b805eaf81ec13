package io.medmsg.web.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * The directory on a desktop: the list is wider and a tapped doctor's profile fills the right-hand
 * pane; each 咨询 button has a name of its own; a paused doctor (暂停接诊) cannot be consulted.
 */
@Tag("sqlite-only")
class DirectoryWebClientTest extends BrowserTest {

    @Test
    void pausedDoctorsAreNotConsultableAndEveryConsultButtonHasItsOwnName() {
        Browser patient = browser("patient", 1280, 800);
        patient.signInAsPatient(base(), unique("p"), "周杰", "zh");
        patient.await("the first page of the directory", d -> patient.all(".doctor-card").size() == 10);
        // the whole directory is read for the department filter (and the initials), then drawn again
        patient.await("the departments", d -> patient.all("#dept-filter option").size() > 1);
        // the first page holds whichever doctors sort first: in a full test run, other tests' doctors,
        // some of them paused; every button has a name of its own that says what it does
        for (WebElement card : patient.all(".doctor-card")) {
            WebElement button = card.findElement(org.openqa.selenium.By.cssSelector(".consult"));
            String name = button.getDomAttribute("aria-label");
            assertThat(name).as(card.getText()).matches(button.isEnabled() ? "咨询 .+医生" : ".+医生暂停接诊");
        }
        List<String> names = patient.all(".doctor-card .consult").stream().map(b -> b.getDomAttribute("aria-label")).toList();
        assertThat(names).doesNotHaveDuplicates();
        assertThat(patient.el(".list-pane").getSize().getWidth()).as("the list uses the desktop's width").isGreaterThan(400);
        // the active tab keeps its underline under the pointer (where a tap leaves it)
        new org.openqa.selenium.interactions.Actions(patient.driver).moveToElement(patient.el("#tab-doctors")).perform();
        assertThat(patient.js("return getComputedStyle(document.getElementById('tab-doctors')).borderBottomColor"))
                .isEqualTo("rgb(15, 118, 110)");

        // pinyin initials, as typed on a phone: wjg for 王建国
        patient.el("#dir-search").sendKeys("wjg\n");
        patient.await("王建国 by his initials", d -> patient.all(".doctor-card").size() == 1
                && patient.present(".doctor-card[data-doctor-id=d1001]"));
        assertThat(patient.el(".doctor-card[data-doctor-id=d1001] .consult").getDomAttribute("aria-label")).isEqualTo("咨询 王建国医生");

        // a doctor's profile beside the list, with the same button
        patient.click(".doctor-card[data-doctor-id=d1001] .intro");
        WebElement detail = patient.el("#doctor-detail");
        assertThat(detail.getText()).contains("王建国", "主任医师", "内科", "从事心血管内科临床工作二十余年");
        assertThat(patient.all("#doctor-detail #detail-off")).isEmpty();
        patient.el("#dir-search").clear();

        // and ek for 儿科's doctors
        patient.el("#dir-search").sendKeys("ek\n");
        patient.await("儿科's doctors by its initials", d -> !patient.all(".doctor-card").isEmpty() && patient.all(".doctor-card")
                .stream().allMatch(c -> c.getText().contains("儿科")));
        patient.el("#dir-search").clear();

        // 郑红 takes no new consultations: the button says so and does nothing; so does her profile
        patient.el("#dir-search").sendKeys("郑红\n");
        patient.await("郑红 found", d -> patient.all(".doctor-card").size() == 1);
        WebElement paused = patient.el(".doctor-card[data-doctor-id=d6001] .consult");
        assertThat(paused.isEnabled()).isFalse();
        assertThat(paused.getText()).isEqualTo("暂停接诊");
        assertThat(paused.getDomAttribute("aria-label")).isEqualTo("郑红医生暂停接诊");
        patient.click(".doctor-card[data-doctor-id=d6001] .intro");
        assertThat(patient.el("#detail-off").getText()).isEqualTo("该医生暂停接诊新的问诊。");
        assertThat(patient.el("#doctor-detail .consult").isEnabled()).isFalse();
        patient.screenshot(java.nio.file.Path.of("target/screenshots"), "directory-detail-1280");
    }
}
