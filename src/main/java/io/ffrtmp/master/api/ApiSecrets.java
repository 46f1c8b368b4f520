package io.ffrtmp.master.api;

import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The API's secrets in the data directory, each made once and kept with mode 0600: the JWT signing
 * secret, the first admin key, and the self-signed certificate with its key. Blocking (file
 * system): run on a worker thread.
 */
public final class ApiSecrets {

  public static final String JWT_SECRET = "jwt-secret";
  public static final String ADMIN_KEY = "admin.key";
  public static final String TLS_CERT = "tls-cert.pem";
  public static final String TLS_KEY = "tls-key.pem";

  private ApiSecrets() {}

  /** The HS256 secret, made on first use: 32 random bytes. */
  public static byte[] jwtSecret(Path apiDir) throws IOException {
    Path file = apiDir.resolve(JWT_SECRET);
    if (!Files.exists(file)) {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      writePrivate(file, Base64.getEncoder().encodeToString(b) + "\n");
    }
    return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.UTF_8).trim());
  }

  /**
   * The self-signed certificate and key (PEM), made on first use for "localhost"; returns {cert,
   * key}.
   */
  public static Path[] selfSigned(Path apiDir) throws IOException {
    Path cert = apiDir.resolve(TLS_CERT);
    Path key = apiDir.resolve(TLS_KEY);
    if (!Files.exists(cert) || !Files.exists(key)) {
      SelfSignedCertificate made = SelfSignedCertificate.create("localhost");
      try {
        writePrivate(
            key, Files.readString(Path.of(made.privateKeyPath()), StandardCharsets.US_ASCII));
        Path tmp = Files.createTempFile(apiDir, ".cert", ".tmp");
        Files.copy(Path.of(made.certificatePath()), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, cert, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        made.delete();
      }
    }
    return new Path[] {cert, key};
  }

  /**
   * Writes a file only its owner can read, atomically (a reader never sees half of it, nor a moment
   * of 0644).
   */
  public static void writePrivate(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp =
        Files.createTempFile(
            file.getParent(),
            "." + file.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
