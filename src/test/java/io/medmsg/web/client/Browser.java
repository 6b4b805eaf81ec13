package io.medmsg.web.client;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One person's browser: Debian's Chromium, headless, driven through Debian's chromedriver (both
 * given by path, so Selenium Manager never looks for or downloads anything), with a fresh
 * profile. The methods are what that person does in the web client.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(30);

    final String who;
    final ChromeDriver driver;
    private final Path profile;
    private final List<String> consoleErrors = new ArrayList<>();

    /** Fails (never skips) with what to install when the browser or its driver is missing. */
    static void requireInstalled() {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(p + " is missing: the web client's browser tests need Debian's Chromium and "
                        + "its driver. Install them with: apt-get update && apt-get install -y chromium chromium-driver");
            }
        }
    }

    Browser(String who, int width, int height) {
        this(who, width, height, List.of());
    }

    /** With extra Chromium switches, e.g. a fake microphone. */
    Browser(String who, int width, int height, List<String> extraArguments) {
        this.who = who;
        try {
            this.profile = Files.createTempDirectory("medmsg-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        options.addArguments(extraArguments);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        resize(width, height);
    }

    // ---- plumbing -------------------------------------------------------------------------

    /** Sets the viewport (not the window) to exactly this size, phone-sized ones included. */
    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        Map<String, Object> metrics = Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600);
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", metrics);
    }

    <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).withMessage(who + ": " + what).ignoring(
                org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    WebElement el(String css) {
        return await(css + " to be shown", d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    /** Clicks the element once it is shown; found again if the page redrew it between finding and clicking. */
    void click(String css) {
        await(css + " to be clicked", d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            if (found.isEmpty() || !found.get(0).isDisplayed()) {
                return null;
            }
            found.get(0).click();
            return true;
        });
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    boolean present(String css) {
        return !all(css).isEmpty();
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    void open(String url) {
        driver.get(url);
    }

    /** Switches the client's language (the sign-in page and the app have the same switch). */
    void useLanguage(String lang) {
        String want = lang.equals("zh") ? "zh-CN" : "en";
        el("#lang-switch");
        // The switch toggles, and redraws the page with itself in it: a click that WebDriver then
        // reports as stale has still switched, so retrying it (as click does) could switch back
        // (a CI run ended in the wrong language). Click only while the language is still the other.
        long[] clickedAt = {System.nanoTime() - TimeUnit.SECONDS.toNanos(10)};
        await("language " + lang, d -> {
            if (want.equals(js("return document.documentElement.lang"))) {
                return true;
            }
            List<WebElement> found = d.findElements(By.cssSelector("#lang-switch"));
            if (!found.isEmpty() && System.nanoTime() - clickedAt[0] > TimeUnit.SECONDS.toNanos(2)) {
                clickedAt[0] = System.nanoTime();
                found.get(0).click();
            }
            return false;
        });
    }

    void offline(boolean offline) {
        ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
        conditions.setOffline(offline);
        driver.setNetworkConditions(conditions);
    }

    /** Limits the upload speed (bytes/s) of the page's requests; -1 lifts the limit. */
    void uplink(int bytesPerSecond) {
        ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
        conditions.setUploadThroughput(bytesPerSecond);
        driver.setNetworkConditions(conditions);
    }

    /** A PNG of what is on screen, into the screenshot folder. */
    Path screenshot(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(name + ".png");
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Console errors and uncaught exceptions of the page so far (network failures included). */
    List<String> consoleErrors() {
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                consoleErrors.add(e.getMessage());
            }
        }
        return consoleErrors;
    }

    // ---- what a person does ---------------------------------------------------------------

    void signInAsPatient(String base, String patientId, String name, String lang) {
        open(base);
        useLanguage(lang);
        el("#demo-form");
        el("#role-patient").click();
        WebElement id = el("#patient-id");
        id.clear();
        id.sendKeys(patientId);
        WebElement nameField = el("#patient-name");
        nameField.clear();
        nameField.sendKeys(name);
        el("#demo-signin").click();
        el("#directory");
    }

    void signInAsDoctor(String url, String doctorId, String lang) {
        open(url);
        useLanguage(lang);
        el("#demo-form");
        el("#role-doctor").click();
        new Select(el("#doctor-select")).selectByValue(doctorId);
        el("#demo-signin").click();
        el("#sessions");
    }

    /** Waits for the live feed to be in this mode ("sse" or "poll"). */
    void awaitLive(String mode) {
        await("live updates over " + mode, d -> mode.equals(el("#live-state").getDomAttribute("data-mode")));
    }

    /** Types into the composer and presses Enter; Shift+Enter between the lines. */
    void write(String... lines) {
        WebElement input = el("#composer-input");
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                input.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
            }
            input.sendKeys(lines[i]);
        }
        input.sendKeys(Keys.ENTER);
    }

    /** The drawn message (li) whose bubble text is exactly {@code text}, once it is in this state. */
    WebElement message(String side, String text, String state) {
        return await("a " + side + " message '" + text + "' in state " + state, d -> {
            for (WebElement li : d.findElements(By.cssSelector("#msg-list li.msg." + side))) {
                List<WebElement> bubble = li.findElements(By.cssSelector(".bubble.text"));
                if (!bubble.isEmpty() && text.equals(bubble.get(0).getDomProperty("textContent"))
                        && (state == null || state.equals(li.getDomAttribute("data-state")))) {
                    return li;
                }
            }
            return null;
        });
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir
            }
        }
    }
}
