<?php
/**
 * The referrer's side: their link, share buttons and results.
 *
 * @package Vafa
 */

namespace Vafa\Referrals;

use Vafa\Storefront\NoCache;
use Vafa\Storefront\View;
use Vafa\Templates;

defined( 'ABSPATH' ) || exit;

/**
 * My Account > Rewards shows the shopper's referral link and code with a
 * copy button, share buttons (WhatsApp, Telegram, X, e-mail) with a
 * translated message, and their referrals; [vafa_referral_link] prints the
 * link anywhere.
 */
final class Share {
	/**
	 * Registers the shortcode.
	 */
	public static function register(): void {
		add_shortcode( 'vafa_referral_link', array( self::class, 'shortcode' ) );
	}

	/**
	 * The shopper's referral page from the service (cached briefly), or null
	 * when the store has no referral program or the service cannot answer.
	 *
	 * @param int $user_id WordPress user id.
	 * @return array<string,mixed>|null
	 */
	public static function summary( int $user_id ): ?array {
		$me   = View::summary( $user_id );
		$page = $me['referral'] ?? null;
		return is_array( $page ) && ! empty( $page['code'] ) ? $page : null;
	}

	/**
	 * Share links for a referral link, with the message in the shopper's language.
	 *
	 * @param string $link The referral link.
	 * @param string $shop The store's name.
	 * @return array<string,string> network => URL
	 */
	public static function share_urls( string $link, string $shop ): array {
		/* translators: %s: the store's name */
		$text = sprintf( __( 'I shop at %s and you get a welcome gift with my link:', 'vafa' ), $shop );
		return array(
			'whatsapp' => 'https://wa.me/?text=' . rawurlencode( $text . ' ' . $link ),
			'telegram' => 'https://t.me/share/url?url=' . rawurlencode( $link ) . '&text=' . rawurlencode( $text ),
			'x'        => 'https://twitter.com/intent/tweet?text=' . rawurlencode( $text ) . '&url=' . rawurlencode( $link ),
			'email'    => 'mailto:?subject=' . rawurlencode( $shop ) . '&body=' . rawurlencode( $text . "\n" . $link ),
		);
	}

	/**
	 * The referral section of My Account > Rewards ('' without a program).
	 *
	 * @param int $user_id WordPress user id.
	 */
	public static function html( int $user_id ): string {
		$page = self::summary( $user_id );
		if ( null === $page ) {
			return '';
		}
		NoCache::mark();
		return Templates::render(
			'myaccount/referral.php',
			array(
				'page'   => $page,
				'shares' => self::share_urls( (string) $page['link'], get_bloginfo( 'name' ) ),
				'locale' => determine_locale(),
			)
		);
	}

	/**
	 * [vafa_referral_link]: the logged-in shopper's link with a copy button.
	 */
	public static function shortcode(): string {
		$page = self::summary( get_current_user_id() );
		if ( null === $page ) {
			return '';
		}
		NoCache::mark();
		return Templates::render(
			'referral/link.php',
			array(
				'link'   => (string) $page['link'],
				'code'   => (string) $page['code'],
				'locale' => determine_locale(),
			)
		);
	}
}
