import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import javax.xml.bind.annotation.XmlElement;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.ws.BindingProvider;

/** Calls every operation of the generated port with its required members filled; prints name=Status. */
public class CallAll {
    static Object sample(Class<?> t, int depth) throws Exception {
        DatatypeFactory dt = DatatypeFactory.newInstance();
        if (t == String.class) return "x";
        if (t == Integer.class || t == int.class) return 1;
        if (t == Long.class || t == long.class) return 1L;
        if (t == Short.class || t == short.class) return (short) 1;
        if (t == Byte.class || t == byte.class) return (byte) 1;
        if (t == Boolean.class || t == boolean.class) return false;
        if (t == Double.class || t == double.class) return 1.5;
        if (t == Float.class || t == float.class) return 1.5f;
        if (t == BigDecimal.class) return new BigDecimal("1.5");
        if (t == BigInteger.class) return BigInteger.ONE;
        if (t == javax.xml.datatype.XMLGregorianCalendar.class) return dt.newXMLGregorianCalendar("2024-01-31T09:00:00");
        if (t == javax.xml.datatype.Duration.class) return dt.newDuration("PT1H");
        if (t == byte[].class) return new byte[] {1};
        if (t.isEnum()) return t.getEnumConstants()[0];
        Object o = t.getDeclaredConstructor().newInstance();
        if (depth < 6) fill(o, depth + 1);
        return o;
    }

    static void fill(Object o, int depth) throws Exception {
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                XmlElement e = f.getAnnotation(XmlElement.class);
                if (e == null || !e.required() || f.getType().isPrimitive() || List.class.isAssignableFrom(f.getType())) continue;
                f.setAccessible(true);
                if (f.get(o) == null) f.set(o, sample(f.getType(), depth));
            }
        }
    }

    static void set(Object o, String name, Object value) throws Exception {
        for (Method m : o.getClass().getMethods()) {
            if (m.getName().equals("set" + name) && m.getParameterCount() == 1) { m.invoke(o, value); return; }
        }
    }

    static Object status(Object result) throws Exception {
        Object s = result.getClass().getMethod("getStatus").invoke(result);
        return s == null ? "<nil>" : s.getClass().getMethod("value").invoke(s);
    }

    public static void main(String[] args) throws Exception {
        String wsdl = args[0], endpoint = args[1], client = args[2], secret = args[3], token = args[4];
        Class<?> serviceClass = Class.forName("com.projectorpsa.pwsprojectorservices.PwsProjectorServices");
        Object service = serviceClass.getConstructor(URL.class).newInstance(new URL(wsdl));
        Object port = serviceClass.getMethod("getBasicHttpBindingIPwsProjectorServices").invoke(service);
        ((BindingProvider) port).getRequestContext().put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, endpoint);
        Method[] methods = Class.forName("com.projectorpsa.pwsprojectorservices.IPwsProjectorServices").getMethods();
        Method acquire = null;
        List<Method> rest = new ArrayList<>();
        Method last = null;
        for (Method m : methods) {
            if (m.getName().equals("pwsAcquireOauth2Token")) acquire = m;
            else if (m.getName().equals("pwsUnauthenticate")) last = m;
            else if (!m.getName().equals("pwsRevokeOauth2RefreshToken")) rest.add(m);
        }
        rest.sort((a, b) -> a.getName().compareTo(b.getName()));
        rest.add(last);
        Object rq = acquire.getParameterTypes()[0].getDeclaredConstructor().newInstance();
        set(rq, "ClientIdentifier", client);
        set(rq, "ClientSecret", secret);
        set(rq, "GrantType", "refresh_token");
        set(rq, "RefreshToken", token);
        Object login = acquire.invoke(port, rq);
        String ticket = (String) login.getClass().getMethod("getAccessToken").invoke(login);
        System.out.println("PwsAcquireOauth2Token=" + status(login));
        for (Method m : rest) {
            Object request = sample(m.getParameterTypes()[0], 0);
            set(request, "SessionTicket", args.length > 5 && args[5].equals("no-ticket") ? null : ticket);
            if (m.getName().equals("pwsAuthenticate")) {
                set(request, "AccountCode", "SAMPLE");
                set(request, "UserName", "sample.user");
                set(request, "Password", "sample-password");
            }
            String name = "P" + m.getName().substring(1);
            try {
                System.out.println(name + "=" + status(m.invoke(port, request)));
            } catch (java.lang.reflect.InvocationTargetException e) {
                System.out.println(name + "=error " + e.getCause());
            }
        }
    }
}
