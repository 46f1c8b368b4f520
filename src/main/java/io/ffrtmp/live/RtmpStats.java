package io.ffrtmp.live;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * What an nginx-rtmp statistics page ({@code rtmp_stat all;}) says: per application, its live
 * streams with their publisher, clients and bitrates. Bitrates are nginx-rtmp's own, averaged over
 * a fixed 10 s window, so a stream younger than that reads 0; the video fields are what the
 * publisher declared in its metadata, not what was measured.
 */
public record RtmpStats(
    long uptimeSeconds,
    long inBitsPerSecond,
    long outBitsPerSecond,
    List<Application> applications) {

  public RtmpStats {
    applications = List.copyOf(applications);
  }

  /** One {@code application} block and its live streams. */
  public record Application(String name, List<Stream> streams) {
    public Application {
      streams = List.copyOf(streams);
    }
  }

  /**
   * One live stream. {@code clients}: everyone connected to it, the publisher included; {@code
   * publishers}: the clients flagged as publishing (0 or 1); {@code droppedFrames}: frames nginx
   * dropped for its clients, summed; {@code video}: null when the publisher declared none.
   */
  public record Stream(
      String application,
      String name,
      boolean publishing,
      int clients,
      int publishers,
      long inBitsPerSecond,
      long outBitsPerSecond,
      long bytesIn,
      long bytesOut,
      long ageMs,
      long droppedFrames,
      Video video) {}

  /**
   * The video a publisher declared: {@code codec} as nginx-rtmp names it (H264, ...), 0 for a
   * number it did not give; {@code frameRate} is whole frames per second (nginx-rtmp drops the
   * fraction).
   */
  public record Video(String codec, int width, int height, int frameRate) {}

  /** The stream {@code name} of application {@code app}, if it is live now. */
  public Optional<Stream> stream(String app, String name) {
    return applications.stream()
        .filter(a -> a.name().equals(app))
        .flatMap(a -> a.streams().stream())
        .filter(s -> s.name().equals(name))
        .findFirst();
  }

  /** Blocking: reads the page at {@code url} (call it off the event loop). */
  public static RtmpStats fetch(URI url, Duration timeout) throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
    HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(
            "the RTMP statistics page " + url + " answered HTTP " + response.statusCode());
      }
      return parse(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted reading " + url, e);
    }
  }

  /** Parses the page; an unreadable one is an IOException saying so. */
  public static RtmpStats parse(String xml) throws IOException {
    Document doc;
    try {
      DocumentBuilder builder = secureFactory().newDocumentBuilder();
      // Throws on a fatal error and stays quiet otherwise (the default handler prints to stderr).
      builder.setErrorHandler(new DefaultHandler());
      doc = builder.parse(new InputSource(new StringReader(validCharsOnly(xml))));
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("the RTMP statistics page is not readable XML: " + e.getMessage(), e);
    }
    Element root = doc.getDocumentElement();
    if (!"rtmp".equals(root.getTagName())) {
      throw new IOException(
          "the RTMP statistics page has root <" + root.getTagName() + ">, not <rtmp>");
    }
    List<Application> apps = new ArrayList<>();
    for (Element server : children(root, "server")) {
      for (Element app : children(server, "application")) {
        String appName = text(app, "name");
        List<Stream> streams = new ArrayList<>();
        for (Element live : children(app, "live")) {
          for (Element s : children(live, "stream")) {
            streams.add(stream(appName, s));
          }
        }
        apps.add(new Application(appName, streams));
      }
    }
    return new RtmpStats(
        number(root, "uptime"), number(root, "bw_in"), number(root, "bw_out"), apps);
  }

  private static Stream stream(String app, Element s) {
    int publishers = 0;
    long dropped = 0;
    for (Element c : children(s, "client")) {
      if (!children(c, "publishing").isEmpty()) {
        publishers++;
      }
      dropped += number(c, "dropped");
    }
    Video video = null;
    for (Element meta : children(s, "meta")) {
      for (Element v : children(meta, "video")) {
        if (v.hasChildNodes()) {
          video =
              new Video(
                  text(v, "codec"),
                  (int) number(v, "width"),
                  (int) number(v, "height"),
                  (int) number(v, "frame_rate"));
        }
      }
    }
    return new Stream(
        app,
        text(s, "name"),
        !children(s, "publishing").isEmpty(),
        (int) number(s, "nclients"),
        publishers,
        number(s, "bw_in"),
        number(s, "bw_out"),
        number(s, "bytes_in"),
        number(s, "bytes_out"),
        number(s, "time"),
        dropped,
        video);
  }

  /** The page is produced by us or the user's server, never a stranger: still, no DTDs at all. */
  private static DocumentBuilderFactory secureFactory() throws ParserConfigurationException {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setNamespaceAware(false);
    return f;
  }

  /**
   * nginx-rtmp copies client-supplied strings (flash version, page URL) into the page; a control
   * character there would make the whole page unreadable, so such characters are dropped first.
   */
  static String validCharsOnly(String xml) {
    StringBuilder out = new StringBuilder(xml.length());
    for (int i = 0; i < xml.length(); i++) {
      char c = xml.charAt(i);
      if (c == '\t' || c == '\n' || c == '\r' || c >= 0x20 && c != 0xFFFE && c != 0xFFFF) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        out.add(e);
      }
    }
    return out;
  }

  private static String text(Element parent, String tag) {
    List<Element> found = children(parent, tag);
    return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
  }

  /**
   * A count or rate; absent or not a whole number reads 0 (the page omits what it does not know).
   */
  private static long number(Element parent, String tag) {
    String t = text(parent, tag);
    try {
      return t.isEmpty() ? 0 : Long.parseLong(t);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
