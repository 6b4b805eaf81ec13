import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The reference idle new_msg polls are read against: Jetty 12 (the jars MedMsg runs on, taken from
 * its packaged jar by bench/reference.sh) with one handler answering every request with a small
 * fixed JSON body of an idle poll's size. What is left is Jetty's HTTP on this machine.
 *
 * usage: java -cp 'jetty jars' bench/JettyHello.java PORT
 */
public final class JettyHello {

    private static final byte[] BODY = ("{\"code\":0,\"msg\":\"ok\",\"data\":{\"session_id\":\"0123456789abcdef0123456789abcdef\","
            + "\"list\":[],\"last_seq\":1,\"has_more\":false}}").getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
                response.write(true, ByteBuffer.wrap(BODY), callback);
                return true;
            }
        });
        server.start();
        System.out.println("jetty hello world on " + args[0]);
        server.join();
    }
}
