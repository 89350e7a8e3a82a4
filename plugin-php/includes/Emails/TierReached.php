<?php
/**
 * E-mail: tier reached.
 *
 * @package Vafa
 */

namespace Vafa\Emails;

use Vafa\Tiers\Status;

defined( 'ABSPATH' ) || exit;

/**
 * Sent for tier.changed when the customer moved up.
 */
class TierReached extends Email {
	const EVENT = 'tier.changed';

	/**
	 * Constructor.
	 */
	public function __construct() {
		$this->id           = 'vafa_tier_reached';
		$this->title        = __( 'Vafa: tier reached', 'vafa' );
		$this->description  = __( 'Sent to customers when they move up to a VIP tier.', 'vafa' );
		$this->placeholders = array( '{tier}' => '' );
		parent::__construct();
	}

	/**
	 * Only moves up to a tier.
	 *
	 * @param array<string,mixed> $event The event.
	 */
	protected function accepts( array $event ): bool {
		return 'up' === ( $event['data']['direction'] ?? '' ) && is_array( $event['data']['to'] ?? null );
	}

	/**
	 * The tier's name in the recipient's language.
	 */
	protected function tier_name(): string {
		$to    = (array) ( $this->data()['to'] ?? array() );
		$names = is_array( $to['names'] ?? null ) ? $to['names'] : array();
		$name  = Status::name( $names, $this->locale );
		return '' !== $name ? $name : (string) ( $to['name'] ?? '' );
	}

	/**
	 * The {tier} placeholder.
	 *
	 * @return array<string,string>
	 */
	protected function more_placeholders(): array {
		return array( '{tier}' => $this->tier_name() );
	}

	/**
	 * Default subject.
	 */
	public function get_default_subject() {
		return __( 'Welcome to {tier} at {site_title}', 'vafa' );
	}

	/**
	 * Default heading.
	 */
	public function get_default_heading() {
		return __( 'You reached {tier}', 'vafa' );
	}

	/**
	 * Template variables.
	 *
	 * @return array<string,mixed>
	 */
	protected function template_args(): array {
		return array( 'tier' => $this->tier_name() );
	}
}
