package io.medmsg.files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.medmsg.config.MedMsgProperties;

/** Picks the {@link BlobStore} that {@code medmsg.storage.type} names. */
@Configuration(proxyBeanMethods = false)
class FilesConfig {

    private static final Logger log = LoggerFactory.getLogger(FilesConfig.class);

    @Bean
    BlobStore blobStore(StorageSettings settings, MedMsgProperties properties, UrlSigner signer, Environment environment) {
        if (settings.isS3()) {
            log.info("Files are stored in S3 bucket {} ({})", settings.s3().bucket(),
                    settings.s3().endpoint() == null ? "AWS" : settings.s3().endpoint());
            return new S3BlobStore(settings.s3());
        }
        var root = properties.dataDir().resolve("files");
        log.info("Files are stored under {}", root);
        return new LocalBlobStore(root, signer, new BaseUrl(settings.publicBaseUrl(), environment));
    }
}
