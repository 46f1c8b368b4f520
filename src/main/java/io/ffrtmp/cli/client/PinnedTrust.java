package io.ffrtmp.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the client trusts the server: exactly one pinned certificate (the self-signed one from the
 * data directory; the server must present that very certificate, whatever name it was made for), a
 * CA file (normal verification, host name included), or, only when asked with --insecure, anything.
 */
public final class PinnedTrust {

  private PinnedTrust() {}

  public static SSLContext pinned(Path certFile) throws IOException, GeneralSecurityException {
    X509Certificate pin = read(certFile).iterator().next();
    return context(new Checking(pin));
  }

  public static SSLContext ca(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    int i = 0;
    for (X509Certificate c : read(caFile)) {
      ks.setCertificateEntry("ca" + i++, c);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
    return ctx;
  }

  public static SSLContext insecure() throws GeneralSecurityException {
    return context(new Checking(null));
  }

  private static SSLContext context(TrustManager tm) throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
    return ctx;
  }

  @SuppressWarnings("unchecked")
  private static Collection<X509Certificate> read(Path file)
      throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<X509Certificate> certs =
          (Collection<X509Certificate>)
              CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new CertificateException(file + " holds no PEM certificate");
      }
      return certs;
    }
  }

  /** Accepts the pinned certificate only (or anything when {@code pin} is null: --insecure). */
  private static final class Checking extends X509ExtendedTrustManager {
    private final X509Certificate pin;

    Checking(X509Certificate pin) {
      this.pin = pin;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (pin == null) {
        return;
      }
      if (chain == null
          || chain.length == 0
          || !Arrays.equals(chain[0].getEncoded(), pin.getEncoded())) {
        throw new CertificateException("the server's certificate is not the pinned one");
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
