package io.vpclab.controlplane.ui;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven by Selenium, with the UI's own controls: the token form, the
 * screen buttons, selects by visible name. Both binaries are passed explicitly so Selenium
 * Manager never tries to download a browser.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    /** Where the browser saves downloads (a fresh directory per browser). */
    final Path downloads;

    private Browser(ChromeDriver driver, Path downloads) {
        this.driver = driver;
        this.downloads = downloads;
    }

    /** Skips the calling test (CI installs both, and fails on skips) when Chromium is absent. */
    static Browser open() throws IOException {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests need /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)");
        Path downloads = Files.createTempDirectory("chromium-downloads");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.setExperimentalOption(
                "prefs",
                java.util.Map.of(
                        "download.default_directory", downloads.toString(), "download.prompt_for_download", false));
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        // headless Chromium ignores the download preference unless told over DevTools as well
        driver.executeCdpCommand(
                "Browser.setDownloadBehavior",
                java.util.Map.of("behavior", "allow", "downloadPath", downloads.toString()));
        return new Browser(driver, downloads);
    }

    /** Opens the UI and signs in through the token form, as a user would. */
    void signIn(int port, String token) {
        driver.get("http://localhost:" + port + "/");
        WebElement input = driver.findElement(By.id("token"));
        if (!input.isDisplayed()) {
            // a token is remembered from before: sign out first, so the panel shows
            click("sign-out");
            until(Duration.ofSeconds(5), d -> input.isDisplayed());
        }
        input.clear();
        input.sendKeys(token);
        driver.findElement(By.cssSelector("#token-form button[type=submit]")).click();
        until(
                Duration.ofSeconds(30),
                d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
    }

    void screen(String name) {
        driver.findElement(By.cssSelector("nav button[data-screen='" + name + "']"))
                .click();
    }

    /** Clicks the element with this id; a list redrawn between the lookup and the click is looked up again. */
    void click(String id) {
        until(Duration.ofSeconds(10), d -> {
            d.findElement(By.id(id)).click();
            return true;
        });
    }

    void type(String id, String text) {
        WebElement input = driver.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    /**
     * Chooses the option whose visible text starts with the given name (instances, tenants, VPCs).
     * The page redraws its selects as the topology changes, so this retries on a stale option.
     */
    void choose(String selectId, String name) {
        until(Duration.ofSeconds(30), d -> {
            Select select = new Select(d.findElement(By.id(selectId)));
            return select.getOptions().stream()
                    .filter(o -> o.getText().startsWith(name))
                    .findFirst()
                    .map(o -> {
                        select.selectByValue(o.getDomAttribute("value"));
                        return true;
                    })
                    .orElse(null);
        });
    }

    /** Clicks a node of the topology graph where it is drawn, as a user would (the graph is a canvas). */
    void clickNode(String nodeId) {
        @SuppressWarnings("unchecked")
        java.util.List<Number> at = (java.util.List<Number>)
                script("const p = cy.getElementById('" + nodeId + "').renderedPosition(); return [p.x, p.y];");
        WebElement graph = driver.findElement(By.id("cy"));
        org.openqa.selenium.Dimension size = graph.getSize();
        new org.openqa.selenium.interactions.Actions(driver)
                .moveToElement(graph, (int) Math.round(at.get(0).doubleValue() - size.getWidth() / 2.0), (int)
                        Math.round(at.get(1).doubleValue() - size.getHeight() / 2.0))
                .click()
                .perform();
    }

    /** The page's URL fragment without the '#'. */
    String hash() {
        return (String) script("return decodeURIComponent(location.hash.slice(1))");
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    String attribute(String id, String attribute) {
        return driver.findElement(By.id(id)).getDomAttribute(attribute);
    }

    Object script(String javascript) {
        return ((JavascriptExecutor) driver).executeScript(javascript);
    }

    /** Waits for a condition; on timeout saves a screenshot and puts the page's text in the failure. */
    <T> T until(Duration timeout, Function<WebDriver, T> condition) {
        try {
            // live pages redraw under the test: an element gone stale is looked up again on the next poll
            return new WebDriverWait(driver, timeout)
                    .ignoring(StaleElementReferenceException.class)
                    .until(condition);
        } catch (TimeoutException e) {
            try {
                screenshot("timeout-" + System.currentTimeMillis());
            } catch (IOException | RuntimeException ignored) {
                // the timeout is the failure to report
            }
            throw new TimeoutException(
                    "page text: " + driver.findElement(By.tagName("body")).getText(), e);
        }
    }

    /** Waits until the browser has finished saving {@code fileName} in {@link #downloads}. */
    Path downloaded(String fileName, Duration timeout) {
        Path file = downloads.resolve(fileName);
        until(timeout, d -> Files.isRegularFile(file) && !Files.exists(downloads.resolve(fileName + ".crdownload")));
        return file;
    }

    /** Runs the VLAN vs VXLAN lesson until the page gives its verdict, and keeps a screenshot. */
    void runSegmentLesson(String screenshot) throws IOException {
        screen("lessons");
        click("vlan-run");
        // about 4,100 creations, each holding the segment pool's row lock until its commit: minutes on a busy CI
        until(Duration.ofMinutes(10), d -> {
            String result = d.findElement(By.id("vlan-verdict")).getDomAttribute("data-result");
            return result != null && !result.equals("running");
        });
        screenshot(screenshot);
    }

    /** Saves what the browser shows under target/screenshots, so a person can look at every tested screen. */
    void screenshot(String name) throws IOException {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
