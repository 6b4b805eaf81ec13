package io.medmsg.files;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.medmsg.config.MedMsgProperties;

/** Picks the {@link BlobStore} that {@code medmsg.storage.type} names. */
@Configuration(proxyBeanMethods = false)
class FilesConfig implements WebMvcConfigurer {

    private static final Logger log = LoggerFactory.getLogger(FilesConfig.class);

    private final LinkBases linkBases;

    FilesConfig(LinkBases linkBases) {
        this.linkBases = linkBases;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(linkBases);
    }

    @Bean
    BlobStore blobStore(StorageSettings settings, MedMsgProperties properties, UrlSigner signer, Environment environment) {
        if (settings.isS3()) {
            log.info("Files are stored in S3 bucket {} ({})", settings.s3().bucket(),
                    settings.s3().endpoint() == null ? "AWS" : settings.s3().endpoint());
            return new S3BlobStore(settings.s3());
        }
        requireSharedLocalStorage(environment.getProperty("medmsg.notify.type", "local").strip(), settings);
        var root = properties.dataDir().resolve("files");
        log.info("Files are stored under {}", root);
        return new LocalBlobStore(root, signer);
    }

    /**
     * Several instances (any notify type but local) with local storage: each would sign URLs with
     * its own generated secret, and keep files that the others do not have.
     */
    static void requireSharedLocalStorage(String notifyType, StorageSettings settings) {
        if (!settings.isS3() && !"local".equalsIgnoreCase(notifyType) && settings.urlSecret() == null) {
            throw new IllegalStateException("Several instances (medmsg.notify.type=" + notifyType + ") with local file "
                    + "storage need the same medmsg.storage.url-secret (MEDMSG_STORAGE_URL_SECRET) on every instance "
                    + "and one files directory shared by all (medmsg.data-dir); or use medmsg.storage.type=s3");
        }
    }
}
